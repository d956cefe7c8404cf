package dev.linx.user;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Faults that need a JVM of their own inside a wrapping namespace, run by {@link FaultsTest}: a missing helper
 * ({@code unshare} or {@code setpriv} hidden by a bind mount) and a user-namespace limit that is reached (lowered
 * inside the wrapping namespace, never globally). Prints the error's shape, then what was left behind. Uses no test library.
 */
public final class FaultProbe {

    private FaultProbe() {
    }

    public static void main(String[] args) {
        Runnable park = () -> ParkedProcess.start(List.of("true"), Set.of()).close();
        Runnable fault = switch (args[0]) {
            case "park", "used-up" -> park;
            case "park-as-other" -> () -> ParkedProcess.builder(List.of("true")).hostIdentity(1, 1).start().close();
            case "launch" -> () -> new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless())
                    .start(List.of("true"));
            default -> throw new IllegalArgumentException(args[0]);
        };
        // "used-up": one parked child takes the only user namespace the limit allows, for the whole run.
        ParkedProcess holder = args[0].equals("used-up") ? ParkedProcess.start(List.of("true"), Set.of()) : null;
        try {
            describe(fault);   // warm-up: the JDK starts its process reaper and virtual-thread carriers once
            Leaks.Snapshot before = Leaks.take();
            System.out.println(describe(fault));
            String left = Leaks.leftSince(before);
            System.out.println("left: " + (left.isEmpty() ? "nothing" : left));
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    private static String describe(Runnable fault) {
        try {
            fault.run();
            return "no failure";
        } catch (UncheckedIOException e) {
            String shape = e.getClass().getSimpleName() + " " + e.getCause().getClass().getSimpleName();
            if (e.getCause() instanceof UserNamespaceLimitException limit) {
                shape += " limit=" + limit.limit() + " path=" + limit.path();
            }
            return shape + " | " + e.getMessage();
        }
    }
}
