package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Service;

/**
 * Runs {@code id}, always {@code id}, in a fresh user namespace with the launcher's configured maps, and remembers
 * the last run for the page.
 *
 * <p>It starts {@code id} through the launcher, which parks it, writes the defaults, and here, at the checkpoint,
 * lets the sandbox read back what the kernel now says of the child before {@code id} runs. The host ids are the parked
 * child's, which {@code exec} keeps: the workload's own, unless the launcher takes root inside with {@code setpriv}
 * once released (a JVM that may not change ids, mapping root inside to another id than its own).
 */
@Service
final class WhoamiSandbox {

    private static final List<String> ID = List.of("id");

    private final UserNamespaceLauncher launcher;

    private final UserNamespaceOperations operations;

    private final AtomicReference<Whoami> last = new AtomicReference<>();

    WhoamiSandbox(UserNamespaceLauncher launcher, UserNamespaceOperations operations) {
        this.launcher = launcher;
        this.operations = operations;
    }

    Whoami run() throws IOException, InterruptedException {
        AtomicReference<Checkpoint> seenParked = new AtomicReference<>();
        Process id = this.launcher.start(ID, pid -> seenParked.set(checkpoint(pid)));
        String seen = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!id.waitFor(10, TimeUnit.SECONDS)) {
            id.destroyForcibly().waitFor();
        }
        Checkpoint parked = seenParked.get();
        Whoami whoami = new Whoami(seen, parked.hostUid(), parked.hostGid(), parked.uidMap(), parked.gidMap(),
                parked.setgroups());
        this.last.set(whoami);
        return whoami;
    }

    /** What the kernel says of the parked child once the launcher has written its maps. */
    private Checkpoint checkpoint(long pid) {
        return new Checkpoint(statusId(pid, "Uid:"), statusId(pid, "Gid:"), this.operations.readUidMap(pid),
                this.operations.readGidMap(pid),
                this.operations.readSetgroups(pid).name().toLowerCase(Locale.ROOT));
    }

    private record Checkpoint(long hostUid, long hostGid, List<IdMapping> uidMap, List<IdMapping> gidMap,
            String setgroups) {
    }

    Optional<Whoami> last() {
        return Optional.ofNullable(this.last.get());
    }

    /** The real id from {@code /proc/<pid>/status}, which the host reads in its own, initial namespace. */
    private static long statusId(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        throw new IllegalStateException("no " + field + " line in /proc/" + pid + "/status");
    }
}
