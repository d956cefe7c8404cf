package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import dev.linx.user.IdRange;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Runs {@code id}, always {@code id}, in a fresh user namespace with the launcher's maps, and remembers the last runs
 * for the page.
 *
 * <p>It starts {@code id} through the launcher, which parks it, writes the maps (the configured ones, or with
 * isolation a block of its own), and here, at the checkpoint, lets the sandbox read back what the kernel now says of
 * the child before {@code id} runs. The host ids it reports are the ids {@code id} printed inside, sent through those
 * maps: the parked child's own host ids are not always the workload's, because a JVM that may not change ids (an
 * unprivileged one with isolation, say) has the launcher take root inside with {@code setpriv} once the child is
 * released, after the checkpoint.
 */
@Service
final class WhoamiSandbox {

    private static final List<String> ID = List.of("id");

    /** How many runs the page's host id axis shows. */
    static final int RECENT = 8;

    private final UserNamespaceLauncher launcher;

    private final UserNamespaceOperations operations;

    private final AtomicInteger runs = new AtomicInteger();

    private final Deque<Run> recent = new ArrayDeque<>();

    private final AtomicReference<Whoami> last = new AtomicReference<>();

    WhoamiSandbox(UserNamespaceLauncher launcher, UserNamespaceOperations operations) {
        this.launcher = launcher;
        this.operations = operations;
    }

    Whoami run() throws IOException, InterruptedException {
        AtomicReference<Checkpoint> seenParked = new AtomicReference<>();
        Process id = this.launcher.start(ID, pid -> seenParked.set(checkpoint(pid)));
        int number = this.runs.incrementAndGet();
        Checkpoint parked = seenParked.get();
        Whoami.Block block = block(parked);
        if (block != null) {
            remember(new Run(number, block, parked.process()));
        }
        String seen = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!id.waitFor(10, TimeUnit.SECONDS)) {
            id.destroyForcibly().waitFor();
        }
        long hostUid = hostId(seen, "uid=", parked.uidMap(), parked.hostUid());
        long hostGid = hostId(seen, "gid=", parked.gidMap(), parked.hostGid());
        Whoami whoami = new Whoami(number, seen, hostUid, hostGid, parked.uidMap(), parked.gidMap(),
                parked.setgroups(), block);
        this.last.set(whoami);
        return whoami;
    }

    Optional<Whoami> last() {
        return Optional.ofNullable(this.last.get());
    }

    /** The blocks of the last {@value #RECENT} isolated runs, oldest first, and whether each still runs. */
    List<RecentRun> recent() {
        synchronized (this.recent) {
            return this.recent.stream()
                .map(run -> new RecentRun(run.number(), run.block(), isLive(run.workload())))
                .toList();
        }
    }

    private void remember(Run run) {
        synchronized (this.recent) {
            this.recent.addLast(run);
            while (this.recent.size() > RECENT) {
                this.recent.removeFirst();
            }
        }
    }

    /** The workload, or a process it left behind, still holds its block. */
    private static boolean isLive(ProcessHandle workload) {
        return workload.isAlive() || workload.descendants().anyMatch(ProcessHandle::isAlive);
    }

    /** With isolation, the map sends 0..size-1 inside to the run's own block. */
    private Whoami.@Nullable Block block(Checkpoint parked) {
        if (this.launcher.isolation().isEmpty() || parked.uidMap().isEmpty() || parked.gidMap().isEmpty()) {
            return null;
        }
        IdMapping uid = parked.uidMap().getFirst();
        IdMapping gid = parked.gidMap().getFirst();
        return new Whoami.Block(new IdRange(uid.outside(), uid.length()), new IdRange(gid.outside(), gid.length()));
    }

    /**
     * What the kernel says of the parked child once the launcher has written its maps, and a handle to it: taken
     * while it is parked, and so cannot have been reaped, the handle stays true to this process (it carries the start
     * time) after the workload, which {@code exec} makes of the same process, has exited.
     */
    private Checkpoint checkpoint(long pid) {
        return new Checkpoint(ProcessHandle.of(pid).orElseThrow(), statusId(pid, "Uid:"), statusId(pid, "Gid:"),
                this.operations.readUidMap(pid), this.operations.readGidMap(pid),
                this.operations.readSetgroups(pid).name().toLowerCase(Locale.ROOT));
    }

    private record Checkpoint(ProcessHandle process, long hostUid, long hostGid, List<IdMapping> uidMap,
            List<IdMapping> gidMap, String setgroups) {
    }

    /** An isolated run the sandbox remembers, from its start. */
    private record Run(int number, Whoami.Block block, ProcessHandle workload) {
    }

    /**
     * One of the recent runs, for the host id axis.
     *
     * @param run its number
     * @param block the host ids it was leased
     * @param live whether it, or a process it left behind, still runs
     */
    record RecentRun(int run, Whoami.Block block, boolean live) {
    }

    /**
     * The host id of the id {@code id} printed after {@code field} ({@code uid=0(root) ...}), through the map the
     * kernel holds for the workload; {@code parked}, the parked child's own, when it printed none.
     */
    static long hostId(String printed, String field, List<IdMapping> map, long parked) {
        Matcher id = Pattern.compile("\\b" + field + "(\\d{1,10})").matcher(printed);
        if (!id.find()) {
            return parked;
        }
        long inside = Long.parseLong(id.group(1));
        for (IdMapping entry : map) {
            if (inside >= entry.inside() && inside - entry.inside() < entry.length()) {
                return entry.outside() + (inside - entry.inside());
            }
        }
        return parked;
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
