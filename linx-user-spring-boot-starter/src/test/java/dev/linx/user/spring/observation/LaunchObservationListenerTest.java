package dev.linx.user.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.linx.user.IdPool;
import dev.linx.user.IdRange;
import dev.linx.user.Namespace;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaces;
import dev.linx.user.spring.TestPools;
import dev.linx.user.testsupport.LauncherWaits;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code linx.user.launch} observation records of real starts: its keys, its events in order, its error.
 * Every launcher here is the core's own, the listener added as an application that builds its launcher would.
 */
@Timeout(60)
class LaunchObservationListenerTest {

    /** Host ids of this class's isolated launcher, clear of every other test class's pool. */
    private static final long ISOLATED_UIDS = 12_000_000;

    private static final long ISOLATED_GIDS = 12_500_000;

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    /** The name of every event of every observation, in the order the handlers heard them. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private final List<UserNamespaceLauncher> launchers = new ArrayList<>();

    @TempDir
    Path ledger;

    /** The children this JVM had before the test (a cached context's, say): not this test's to end. */
    private Set<Long> childrenBefore;

    @BeforeEach
    void noteTheChildrenAlreadyThere() {
        this.childrenBefore = children();
    }

    @BeforeEach
    void hearEventsInOrder() {
        this.registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onEvent(Observation.Event event, Observation.Context context) {
                LaunchObservationListenerTest.this.events.add(event.getName());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
    }

    @AfterEach
    void leaveNoChildBehind() throws InterruptedException {
        for (UserNamespaceLauncher launcher : this.launchers) {
            launcher.close();
            if (launcher.isolation().isPresent()) {
                LauncherWaits.awaitGivenBack(launcher);
            }
        }
        await("no child of this JVM left").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
            .untilAsserted(() -> assertThat(this.childrenBefore).as("children of this JVM").containsAll(children()));
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @Test
    void aColdStartIsObservedWithItsNamespacesAndEveryPhaseInOrder() throws Exception {
        UserNamespaceLauncher launcher = observed().namespaces(Set.of(Namespace.PID)).build();

        long pid = run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasNameEqualTo("linx.user.launch")
            .hasBeenStarted()
            .hasBeenStopped()
            .doesNotHaveError()
            .hasLowCardinalityKeyValue("namespaces", "user,pid")
            .hasLowCardinalityKeyValue("isolated", "false")
            .hasLowCardinalityKeyValue("prepared", "off")
            .hasLowCardinalityKeyValue("outcome", "success")
            .hasHighCardinalityKeyValue("pid", Long.toString(pid));
        assertThat(this.events).containsExactly("parked", "mapped", "released");
    }

    @Test
    void aPreparedHitIsObservedAsAHitWhoseOnlyPhaseIsTheRelease() throws Exception {
        UserNamespaceLauncher launcher = kept(observed().prepared(1).build());
        LauncherWaits.awaitReady(launcher, 1);

        long pid = run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasBeenStopped()
            .hasLowCardinalityKeyValue("prepared", "hit")
            .hasLowCardinalityKeyValue("outcome", "success")
            .hasHighCardinalityKeyValue("pid", Long.toString(pid));
        assertThat(this.events).containsExactly("released");
    }

    @Test
    void aPreparedMissIsObservedAsAMissWithEveryPhase() throws Exception {
        // Not preparing yet: every start misses, as when no prepared child waits.
        UserNamespaceLauncher launcher = kept(observed().prepared(1).deferPreparing().build());

        run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasLowCardinalityKeyValue("prepared", "miss")
            .hasLowCardinalityKeyValue("outcome", "success");
        assertThat(this.events).containsExactly("parked", "mapped", "released");
    }

    @Test
    void aStartThatFailsIsObservedAsAnErrorWithWhatItThrewAndNoPid() {
        UserNamespaceLauncher launcher = observed().build();
        IllegalStateException refused = new IllegalStateException("refused at the checkpoint");

        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> launcher.start(List.of("true"),
                pid -> {
                    throw refused;
                }));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasBeenStopped()
            .hasError(refused)
            .hasLowCardinalityKeyValue("outcome", "error")
            .hasLowCardinalityKeyValue("prepared", "off")
            .doesNotHaveHighCardinalityKeyValueWithKey("pid");
        assertThat(this.events).containsExactly("parked", "mapped");
    }

    @Test
    void aStartRefusedBeforeThePreparedChildrenAreAskedIsAnErrorWithPreparedUnknown() {
        UserNamespaceLauncher launcher = kept(observed().prepared(1).build());

        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> launcher.start(List.of()));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasBeenStopped()
            .hasLowCardinalityKeyValue("outcome", "error")
            .hasLowCardinalityKeyValue("prepared", "unknown");
        assertThat(this.events).isEmpty();
    }

    @Test
    void anIsolatedStartIsObservedAsIsolated() throws Exception {
        assumeThat(TestPools.isRoot()).as("root: explicit host ranges").isTrue();
        IdPool pool = IdPool.of(new IdRange(ISOLATED_UIDS, 65_536), new IdRange(ISOLATED_GIDS, 65_536))
            .withLedger(this.ledger);
        UserNamespaceLauncher launcher = kept(observed().isolated(pool, 65_536).build());

        run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasLowCardinalityKeyValue("isolated", "true")
            .hasLowCardinalityKeyValue("namespaces", "user")
            .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void noKeyCarriesTheArgv() throws Exception {
        UserNamespaceLauncher launcher = observed().build();

        run(launcher, List.of("true", "--token=s3cr3t"));

        TestObservationRegistryAssert.assertThat(this.registry).hasHandledContextsThatSatisfy(contexts -> {
            for (Observation.Context context : contexts) {
                List<KeyValue> all = new ArrayList<>();
                context.getAllKeyValues().forEach(all::add);
                assertThat(all).isNotEmpty()
                    .allSatisfy(keyValue -> assertThat(keyValue.getValue()).doesNotContain("s3cr3t", "token"));
                assertThat(context.getContextualName()).isNull();
            }
        });
    }

    @Test
    void everyStartIsItsOwnObservation() throws Exception {
        UserNamespaceLauncher launcher = observed().build();

        long first = run(launcher, List.of("true"));
        long second = run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasNumberOfObservationsWithNameEqualTo("linx.user.launch", 2)
            .hasAnObservationWithAKeyValue("pid", Long.toString(first))
            .hasAnObservationWithAKeyValue("pid", Long.toString(second));
    }

    @Test
    void aRegistryThatObservesNothingCostsTheStartNothing() {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations()).build();

        assertThat(new LaunchObservationListener(ObservationRegistry.NOOP, null).starting(launcher))
            .isSameAs(UserNamespaceLauncher.Launch.NONE);
    }

    @Test
    void aConventionGivenToTheListenerNamesTheObservation() throws Exception {
        UserNamespaceLauncher launcher = UserNamespaceLauncher.builder(UserNamespaces.operations())
            .listener(new LaunchObservationListener(this.registry,
                    new DefaultLaunchObservationConvention("sandbox.start")))
            .build();

        run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasNameEqualTo("sandbox.start")
            .hasLowCardinalityKeyValue("outcome", "success");
    }

    @Test
    void withoutAConventionAGlobalOneOfTheRegistryNamesTheObservation() throws Exception {
        this.registry.observationConfig().observationConvention(new GlobalLaunchConvention());
        UserNamespaceLauncher launcher = observed().build();

        run(launcher, List.of("true"));

        TestObservationRegistryAssert.assertThat(this.registry)
            .hasSingleObservationThat()
            .hasNameEqualTo("global.launch")
            .hasLowCardinalityKeyValue("outcome", "success");
    }

    /** What Spring Boot registers with its registry for every {@code GlobalObservationConvention} bean. */
    private static final class GlobalLaunchConvention extends DefaultLaunchObservationConvention
            implements GlobalObservationConvention<LaunchObservationContext> {

        GlobalLaunchConvention() {
            super("global.launch");
        }
    }

    private UserNamespaceLauncher.Builder observed() {
        return UserNamespaceLauncher.builder(UserNamespaces.operations())
            .listener(new LaunchObservationListener(this.registry, null));
    }

    private UserNamespaceLauncher kept(UserNamespaceLauncher launcher) {
        this.launchers.add(launcher);
        return launcher;
    }

    /** Starts {@code argv}, waits for its exit, and returns its pid. */
    private static long run(UserNamespaceLauncher launcher, List<String> argv) throws InterruptedException {
        Process workload = launcher.start(argv);
        assertThat(workload.waitFor(10, TimeUnit.SECONDS)).as("the workload exits").isTrue();
        return workload.pid();
    }
}
