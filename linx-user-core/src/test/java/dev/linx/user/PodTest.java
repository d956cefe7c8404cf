package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The library inside a pod as Kubernetes makes one with {@code hostUsers: false}: a JVM in a user namespace of 65,536
 * ids ({@code 0 <base> 65536}, setgroups allowed), root inside, or another id inside, or started as a host uid the
 * pod does not map. Each scenario runs in a probe JVM of its own in such a namespace ({@link PodNamespace}).
 */
class PodTest {

    @RegisterExtension
    static final ProbeJvm.Copied jvm = new ProbeJvm.Copied();

    private static final PodNamespace POD = PodNamespace.at(PodNamespace.BASE);
    private static final String POD_MAP = "[0 " + PodNamespace.BASE + " 65536]";

    @BeforeAll
    static void needsRoot() {
        assumeThat(Kernel.isRoot()).as("writing a pod's maps needs root, as the container runtime has").isTrue();
    }

    /** The probe's line for one readiness finding: {@code key status | evidence | fix}. */
    private static String finding(List<String> lines, HostReadiness.Check check) {
        return lines.stream().filter(l -> l.startsWith(check.key() + " ")).findFirst().orElseThrow();
    }

    @Nested
    class RootInside {

        @Test
        void theJvmIsRootWithThePodsMap() throws Exception {
            assertThat(POD.asRoot().run(jvm, PodProbe.class, "whoami").getFirst())
                    .startsWith("whoami uid=0(root) gid=0(root)");
        }

        @Test
        void readinessIsReadyAndWarnsOfNestingWithThePodsMap() throws Exception {
            List<String> lines = POD.asRoot().run(jvm, SubordinateProbe.class, "readiness");
            assertThat(finding(lines, HostReadiness.Check.NESTING)).startsWith("nesting warn | ")
                    .contains("uid_map " + POD_MAP);
            assertThat(finding(lines, HostReadiness.Check.IDENTITY))
                    .isEqualTo("identity ok | effective uid 0 and gid 0 are mapped in this user namespace | ");
            assertThat(lines).contains("ready true");
        }

        @Test
        void theDefaultLauncherStartsAWorkloadAsRootInside() throws Exception {
            List<String> lines = POD.asRoot().run(jvm, PodProbe.class, "launch");
            assertThat(lines).containsSubsequence("exit 0", "launched 0", "launched 0", "launched 0 0 1",
                    "children-left 0");
        }

        @Test
        void aMapConfinedToThePodsRangeIsWritten() throws Exception {
            assertThat(POD.asRoot().run(jvm, PodProbe.class, "map", "0:1000:1000").getFirst())
                    .isEqualTo("mapped uid_map [IdMapping<0..999 -> 1000..1999>]"
                            + " gid_map [IdMapping<0..999 -> 1000..1999>]");
        }

        @Test
        void theWholePodRangeIsWritten() throws Exception {
            assertThat(POD.asRoot().run(jvm, PodProbe.class, "map", "0:0:65536").getFirst())
                    .isEqualTo("mapped uid_map [IdMapping<0..65535 -> 0..65535>]"
                            + " gid_map [IdMapping<0..65535 -> 0..65535>]");
        }

        @Test
        void aMapReachingOneIdBeyondThePodsRangeIsTheExplainedEperm() throws Exception {
            List<String> lines = POD.asRoot().run(jvm, PodProbe.class, "map", "0:1:65536");
            assertThat(lines).contains("refused SET_UID_MAP EPERM");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("message user set_uid_map failed on /proc/")
                    .endsWith("/uid_map: eperm (errno 1)"));
            assertThat(lines).anySatisfy(l -> assertThat(l)
                    .startsWith("hint outside ids must be mapped in the writer's own namespace")
                    .contains("map only ids this namespace has"));
            assertThat(lines.getLast()).isEqualTo("children-left 0");
        }
    }

    /** {@code runAsUser: 65534}: a pod user whose id inside is the overflow id, and mapped all the same. */
    @Nested
    class AsNobodyInside {

        private final PodNamespace nobody = POD.as(65534, 65534);

        @Test
        void readinessTellsAMapped65534FromAnUnmappedOne() throws Exception {
            List<String> lines = nobody.run(jvm, SubordinateProbe.class, "readiness");
            assertThat(finding(lines, HostReadiness.Check.IDENTITY))
                    .isEqualTo("identity ok | effective uid 65534 and gid 65534 are mapped in this user namespace | ");
            assertThat(lines).contains("ready true");
        }

        @Test
        void theDefaultLauncherStartsAWorkloadAsRootInside() throws Exception {
            assertThat(nobody.run(jvm, PodProbe.class, "launch")).containsSubsequence("exit 0", "launched 0",
                    "launched 0", "launched 0 65534 1");
        }
    }

    /**
     * A container started as a host uid outside its pod's map: the JVM reads itself as 65534, which the pod's map
     * holds inside, so nothing read from /proc tells it apart from {@link AsNobodyInside}; the kernel does.
     */
    @Nested
    class StartedAsAHostUidThePodDoesNotMap {

        private final PodNamespace unmapped = POD.unmapped();

        @Test
        void readinessFailsNamingTheCauseAndTheFix() throws Exception {
            List<String> lines = unmapped.run(jvm, SubordinateProbe.class, "readiness");
            assertThat(finding(lines, HostReadiness.Check.IDENTITY)).isEqualTo("identity fail | the effective uid"
                    + " 65534 and gid 65534 of this process have no mapping in its user namespace (they read as the"
                    + " overflow id; uid_map " + POD_MAP + ", gid_map " + POD_MAP + "): the kernel creates no user"
                    + " namespace for such a process (EPERM) | " + "run the process as a uid and gid that its user"
                    + " namespace maps: in a container, a user inside the namespace's map (Kubernetes"
                    + " securityContext.runAsUser/runAsGroup, docker run --user), or a map that includes the ids the"
                    + " container runs as");
            assertThat(lines).contains("ready false");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("summary user namespaces NOT ready: ")
                    .contains("fail: identity"));
        }

        @Test
        void aLaunchFailsWithTheTypedCause() throws Exception {
            List<String> lines = unmapped.run(jvm, PodProbe.class, "launch");
            assertThat(lines).contains("cause UnmappedIdentityException", "unmapped uid true gid true");
            assertThat(lines).anySatisfy(l -> assertThat(l)
                    .startsWith("failed the namespace helper failed before the checkpoint (exit status 1)")
                    .contains("have no mapping in its user namespace").contains("runAsUser"));
            assertThat(lines.getLast()).isEqualTo("children-left 0");
        }
    }
}
