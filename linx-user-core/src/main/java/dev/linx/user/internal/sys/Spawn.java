package dev.linx.user.internal.sys;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a program directly with {@code posix_spawn(3)}, its stdin, stdout and stderr on fresh pipes.
 *
 * <p>Why not {@link ProcessBuilder}: on Linux it starts every child through {@code jspawnhelper}, one more
 * {@code exec} per child, which made a launch cost 1.4-1.7x the same flow in C. glibc's {@code posix_spawn} is a
 * {@code vfork}-style clone followed by the {@code exec}, so the child never copies the JVM's page tables.
 *
 * <p>What the child gets, as a {@link ProcessBuilder} child would: the three pipes as descriptors 0, 1, 2 and no other
 * descriptor of the JVM ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34); every signal at its default
 * disposition and none blocked; the JVM's environment plus the given variables; the given working directory. Unlike a
 * {@link ProcessBuilder} child, it leads a process group of its own, so that what it starts can be signalled with it.
 *
 * <p>The parent's ends are handed over as ordinary {@link FileInputStream}/{@link FileOutputStream}s, opened through
 * {@code /proc/self/fd} while the child's ends are still open here, so that opening the pipe never waits for a peer.
 */
public final class Spawn {

    private static final int PIPE_FLAGS = LibC.O_CLOEXEC;

    private Spawn() {
    }

    /**
     * A started child: its pid, a pidfd for it, the raw read end of its stdout (for a readiness line read with a
     * time limit; the caller closes it), and the parent's ends of its three pipes as streams.
     *
     * @param pid the child's pid
     * @param pidfd a pidfd naming the child; the caller owns and closes it after reaping
     * @param stdoutFd a raw descriptor of the read end of the child's stdout; the caller closes it
     * @param stdin the write end of the child's stdin
     * @param stdout the read end of the child's stdout
     * @param stderr the read end of the child's stderr
     */
    public record Child(long pid, int pidfd, int stdoutFd, FileOutputStream stdin, FileInputStream stdout,
            FileInputStream stderr) {
    }

    /**
     * Starts {@code command} ({@code command[0]} an absolute path) with the JVM's environment plus {@code environment}.
     *
     * @param directory the working directory, or {@code null} for the JVM's
     * @throws IOException when the child could not be started; nothing is left open
     */
    public static Child spawn(List<String> command, Map<String, String> environment, Path directory)
            throws IOException {
        if (LibC.Launch.MISSING != null) {
            throw new IOException("the C library has no " + LibC.Launch.MISSING + ": starting a parked child needs"
                    + " glibc 2.34 or later");
        }
        int[] open = new int[6];
        int opened = 0;
        FileOutputStream stdin = null;
        FileInputStream stdout = null;
        FileInputStream stderr = null;
        boolean done = false;
        try (Syscalls sys = Syscalls.open(); Arena arena = Arena.ofConfined()) {
            try {
                int[] in = sys.pipe(PIPE_FLAGS);
                open[opened++] = in[0];
                open[opened++] = in[1];
                int[] out = sys.pipe(PIPE_FLAGS);
                open[opened++] = out[0];
                open[opened++] = out[1];
                int[] err = sys.pipe(PIPE_FLAGS);
                open[opened++] = err[0];
                open[opened++] = err[1];
                stdin = new FileOutputStream(selfFd(in[1]));
                stdout = new FileInputStream(selfFd(out[0]));
                stderr = new FileInputStream(selfFd(err[0]));
                long pid = spawn(arena, command, environment, directory, in[0], out[1], err[1]);
                int pidfd;
                try {
                    pidfd = ProcessCalls.pidfdOpen(sys, pid);
                } catch (ErrnoException e) {
                    // EMFILE/ENFILE: no descriptor left. Without a pidfd nothing would ever reap the child: kill and
                    // reap it by pid, which cannot name another process while the child is unreaped.
                    IOException failure = new IOException("pidfd_open of child " + pid + " failed with errno "
                            + e.errno());
                    try {
                        ProcessCalls.killAndReapChild(sys, pid);
                    } catch (ErrnoException reapFailure) {
                        failure.addSuppressed(reapFailure);
                    }
                    throw failure;
                }
                // Keep only what the parent needs: the raw stdout read end for readiness.
                for (int i = 0; i < opened; i++) {
                    if (open[i] != out[0]) {
                        sys.close(open[i]);
                    }
                }
                opened = 0;
                done = true;
                return new Child(pid, pidfd, out[0], stdin, stdout, stderr);
            } catch (ErrnoException e) {
                throw new IOException("could not create the pipes for " + command.getFirst() + " (errno "
                        + e.errno() + ")");
            } finally {
                if (!done) {
                    for (int i = 0; i < opened; i++) {
                        sys.close(open[i]);
                    }
                    closeQuietly(stdin);
                    closeQuietly(stdout);
                    closeQuietly(stderr);
                }
            }
        }
    }

    private static String selfFd(int fd) {
        return "/proc/self/fd/" + fd;
    }

    private static long spawn(Arena arena, List<String> command, Map<String, String> environment, Path directory,
            int stdin, int stdout, int stderr) throws IOException {
        MemorySegment actions = arena.allocate(LibC.SPAWN_FILE_ACTIONS_SIZE, 16);
        MemorySegment attributes = arena.allocate(LibC.SPAWN_ATTR_SIZE, 16);
        MemorySegment signals = arena.allocate(LibC.SIGSET_SIZE, 16);
        MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment path = arena.allocateFrom(command.getFirst());
        MemorySegment argv = strings(arena, command);
        MemorySegment envp = environment.isEmpty() ? DefaultEnvironment.ENVP : strings(arena, merged(environment));
        try {
            check("posix_spawn_file_actions_init", (int) LibC.Launch.SPAWN_FILE_ACTIONS_INIT.invokeExact(actions));
            try {
                check("posix_spawnattr_init", (int) LibC.Launch.SPAWNATTR_INIT.invokeExact(attributes));
                try {
                    check("adddup2", (int) LibC.Launch.SPAWN_FILE_ACTIONS_ADDDUP2.invokeExact(actions, stdin, 0));
                    check("adddup2", (int) LibC.Launch.SPAWN_FILE_ACTIONS_ADDDUP2.invokeExact(actions, stdout, 1));
                    check("adddup2", (int) LibC.Launch.SPAWN_FILE_ACTIONS_ADDDUP2.invokeExact(actions, stderr, 2));
                    check("addclosefrom_np", (int) LibC.Launch.SPAWN_FILE_ACTIONS_ADDCLOSEFROM.invokeExact(actions, 3));
                    if (directory != null) {
                        MemorySegment dir = arena.allocateFrom(directory.toString());
                        check("addchdir_np", (int) LibC.Launch.SPAWN_FILE_ACTIONS_ADDCHDIR.invokeExact(actions, dir));
                    }
                    short flags = (short) (LibC.POSIX_SPAWN_SETSIGMASK | LibC.POSIX_SPAWN_SETSIGDEF
                            | LibC.POSIX_SPAWN_SETPGROUP);
                    check("setflags", (int) LibC.Launch.SPAWNATTR_SETFLAGS.invokeExact(attributes, flags));
                    // Group 0: the child leads a new process group, whose id is its pid.
                    check("setpgroup", (int) LibC.Launch.SPAWNATTR_SETPGROUP.invokeExact(attributes, 0));
                    check("sigemptyset", (int) LibC.Launch.SIGEMPTYSET.invokeExact(signals) == 0 ? 0 : -1);
                    check("setsigmask", (int) LibC.Launch.SPAWNATTR_SETSIGMASK.invokeExact(attributes, signals));
                    check("sigfillset", (int) LibC.Launch.SIGFILLSET.invokeExact(signals) == 0 ? 0 : -1);
                    check("setsigdefault", (int) LibC.Launch.SPAWNATTR_SETSIGDEFAULT.invokeExact(attributes, signals));
                    int error = (int) LibC.Launch.POSIX_SPAWN.invokeExact(pid, path, actions, attributes, argv, envp);
                    if (error != 0) {
                        throw new IOException("posix_spawn of " + command.getFirst() + " failed with errno " + error);
                    }
                    return Integer.toUnsignedLong(pid.get(ValueLayout.JAVA_INT, 0));
                } finally {
                    int ignored = (int) LibC.Launch.SPAWNATTR_DESTROY.invokeExact(attributes);
                }
            } finally {
                int ignored = (int) LibC.Launch.SPAWN_FILE_ACTIONS_DESTROY.invokeExact(actions);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call posix_spawn could not be made", t);
        }
    }

    private static void check(String call, int error) throws IOException {
        if (error != 0) {
            throw new IOException("posix_spawn " + call + " failed with errno " + error);
        }
    }

    private static List<String> merged(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(extra);
        return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** A NULL-terminated {@code char *[]}. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void closeQuietly(AutoCloseable stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (Exception e) {
                // Nothing to release beyond the descriptor.
            }
        }
    }

    /** The JVM's environment as a native {@code envp}, built once: a JVM's environment never changes. */
    private static final class DefaultEnvironment {
        static final MemorySegment ENVP = strings(Arena.global(),
                System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
