package dev.linx.user;

import dev.linx.user.internal.sys.LibC;
import java.io.PrintWriter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the tests tagged {@code rootless} (the guarantees that must hold for an unprivileged caller) through the JUnit
 * Platform, in this JVM, and exits with 0 only when at least one ran and none failed. {@link RootlessGroupTest} starts
 * it as uid 65534.
 */
public final class RootlessGroup {

    private RootlessGroup() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectPackage("dev.linx.user"))
                .filters(TagFilter.includeTags("rootless"))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, summary, new Progress());
        TestExecutionSummary result = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        result.printTo(out);
        result.printFailuresTo(out, 30);
        System.out.printf("rootless group as uid %d: %d tests, %d succeeded, %d failed, %d skipped%n",
                LibC.geteuid(), result.getTestsFoundCount(),
                result.getTestsSucceededCount(), result.getTotalFailureCount(), result.getTestsSkippedCount());
        System.exit(result.getTestsSucceededCount() > 0 && result.getTotalFailureCount() == 0 ? 0 : 1);
    }

    /** One line per finished or skipped test. */
    private static final class Progress implements TestExecutionListener {

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                System.out.println("SKIPPED " + name(test) + ": " + reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                System.out.println(result.getStatus() + " " + name(test)
                        + result.getThrowable().map(t -> ": " + t).orElse(""));
            }
        }

        private static String name(TestIdentifier test) {
            return test.getUniqueIdObject().getSegments().stream()
                    .filter(s -> !s.getType().equals("engine"))
                    .map(s -> s.getValue().replace("dev.linx.user.", ""))
                    .reduce((a, b) -> a + " > " + b).orElse(test.getDisplayName());
        }
    }
}
