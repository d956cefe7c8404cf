package dev.linx.user.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This JVM's parked shells as the kernel shows them, found by the marker the launcher puts in their command line
 * ({@code /bin/sh -c SCRIPT linx-parked-...}): what the core's and the starter's tests count to see prepared children
 * parked, replaced and gone.
 *
 * <pre>{@code
 * List<Long> idle = ParkedShells.ofThisJvm();   // one pid per child parked and not yet released
 * }</pre>
 */
public final class ParkedShells {

    private ParkedShells() {
    }

    /**
     * The pids of this JVM's parked shells, one per child parked and not yet released: with a PID namespace the shell's
     * subshell, pid 1 of the namespace, carries the same marker and is left out.
     */
    public static List<Long> ofThisJvm() {
        Map<Long, Long> parents = new HashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            try {
                List<String> argv = cmdline(p.pid());
                if (argv.size() > 3 && argv.get(3).startsWith("linx-parked-")) {
                    parents.put(p.pid(), p.parent().map(ProcessHandle::pid).orElse(0L));
                }
            } catch (IOException e) {
                // gone meanwhile
            }
        });
        List<Long> pids = new ArrayList<>();
        parents.forEach((pid, parent) -> {
            if (!parents.containsKey(parent)) {
                pids.add(pid);
            }
        });
        return pids;
    }

    /** The command line of {@code pid}, one element per argument, as {@code /proc/<pid>/cmdline} holds it. */
    public static List<String> cmdline(long pid) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return args;
    }
}
