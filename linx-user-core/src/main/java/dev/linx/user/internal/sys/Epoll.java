package dev.linx.user.internal.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll set's system calls, each made in a {@link Syscalls} session: what the reaper thread waits on, one entry
 * per pidfd, each entry's data the descriptor itself.
 *
 * <pre>{@code
 * try (Syscalls sys = Syscalls.open()) {
 *     int epfd = Epoll.create(sys);
 *     Epoll.add(sys, epfd, pidfd);
 *     int n = Epoll.await(sys, epfd, ready);
 * }
 * }</pre>
 */
public final class Epoll {

    private Epoll() {
    }

    /** {@code epoll_create1(EPOLL_CLOEXEC)}. */
    public static int create(Syscalls sys) throws ErrnoException {
        int fd;
        try {
            fd = (int) LibC.Launch.EPOLL_CREATE1.invokeExact(sys.capture(), LibC.O_CLOEXEC);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("epoll_create1", t);
        }
        if (fd < 0) {
            throw sys.failure("epoll_create1");
        }
        return fd;
    }

    /** Adds {@code fd} to an epoll set for {@code EPOLLIN}, with the descriptor itself as the event's data. */
    public static void add(Syscalls sys, int epfd, int fd) throws ErrnoException {
        MemorySegment event = sys.allocate(16, 8).fill((byte) 0);
        event.set(ValueLayout.JAVA_INT, 0, LibC.EPOLLIN);
        event.set(ValueLayout.JAVA_INT_UNALIGNED, LibC.EPOLL_EVENT_DATA, fd);
        control(sys, epfd, LibC.EPOLL_CTL_ADD, fd, event);
    }

    /** Removes {@code fd} from an epoll set. */
    public static void delete(Syscalls sys, int epfd, int fd) throws ErrnoException {
        control(sys, epfd, LibC.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
    }

    /** {@code epoll_ctl(2)}. */
    private static void control(Syscalls sys, int epfd, int operation, int fd, MemorySegment event)
            throws ErrnoException {
        int result;
        try {
            result = (int) LibC.Launch.EPOLL_CTL.invokeExact(sys.capture(), epfd, operation, fd, event);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("epoll_ctl", t);
        }
        if (result < 0) {
            throw sys.failure("epoll_ctl");
        }
    }

    /**
     * Waits for events of an epoll set without a time limit.
     *
     * @param ready receives the data (the descriptor) of each ready entry
     * @return how many entries of {@code ready} were filled; {@code 0} on {@code EINTR}
     */
    public static int await(Syscalls sys, int epfd, int[] ready) throws ErrnoException {
        MemorySegment events = sys.allocate(LibC.EPOLL_EVENT_SIZE * ready.length, 8);
        int n;
        try {
            n = (int) LibC.Launch.EPOLL_WAIT.invokeExact(sys.capture(), epfd, events, ready.length, -1);
        } catch (Throwable t) {
            throw Syscalls.linkageFailure("epoll_wait", t);
        }
        if (n < 0) {
            if (sys.errno() == LibC.EINTR) {
                return 0;
            }
            throw sys.failure("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            ready[i] = events.get(ValueLayout.JAVA_INT_UNALIGNED, i * LibC.EPOLL_EVENT_SIZE + LibC.EPOLL_EVENT_DATA);
        }
        return n;
    }
}
