package dev.linx.user;

import dev.linx.user.testsupport.SeccompFilter;
import java.util.Arrays;

/**
 * Runs a scenario of {@link SubordinateProbe} ({@code readiness}) or {@link PodProbe} ({@code park}, {@code launch})
 * in a JVM whose every thread is under a {@link SeccompFilter} that refuses {@code unshare(2)}: a JVM in a container
 * with Docker's default profile. Run by {@link SeccompTest}; uses no test library.
 */
public final class SeccompProbe {

    private SeccompProbe() {
    }

    public static void main(String[] args) throws Exception {
        SeccompFilter.inThisProcess();
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "subordinate" -> SubordinateProbe.main(rest);
            case "pod" -> PodProbe.main(rest);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
