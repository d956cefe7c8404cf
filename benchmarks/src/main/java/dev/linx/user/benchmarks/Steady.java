package dev.linx.user.benchmarks;

/**
 * HotSpot flags for benchmarks whose every operation costs milliseconds of fixture (a parked child, a whole launch):
 * C2 compiles a method after about 5,000 invocations (15,000 with loops), which such a benchmark reaches only after a
 * minute, so within a warm-up of seconds it would measure profiled C1 code. These flags compile at a fifth of the
 * default tier-4 thresholds: the steady state comes sooner, and is the same state. {@code benchmarks/run} passes them
 * to the {@code Interleaved} harness too (it asks {@link #main} for them), and prints {@code setupMaps} at the default
 * thresholds as well.
 *
 * <pre>{@code
 * java -XX:Tier4InvocationThreshold=1000 -XX:Tier4MinInvocationThreshold=120 -XX:Tier4CompileThreshold=3000 ...
 * }</pre>
 */
final class Steady {

    /** Default 5000. */
    static final String TIER4_INVOCATIONS = "-XX:Tier4InvocationThreshold=1000";

    /** Default 600. */
    static final String TIER4_MIN_INVOCATIONS = "-XX:Tier4MinInvocationThreshold=120";

    /** Default 15000. */
    static final String TIER4_COMPILE = "-XX:Tier4CompileThreshold=3000";

    private Steady() {
    }

    /** Prints the flags one per line, for {@code benchmarks/run} to pass to the JVMs it starts itself. */
    public static void main(String[] args) {
        System.out.println(TIER4_INVOCATIONS);
        System.out.println(TIER4_MIN_INVOCATIONS);
        System.out.println(TIER4_COMPILE);
    }
}
