package dev.linx.user.internal.prepared;

import dev.linx.user.internal.launch.ParkedChild;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Up to {@code target} children parked ahead, each in its own fresh namespaces with its maps written, waiting for a
 * workload: {@link #take()} hands out one (a hit) or none (a miss: the caller parks one as it would without a pool).
 * Taken and dead children are replaced by one refill thread, never on the caller's thread, one child at a time, so
 * at most {@code target} children wait and at most one more is being parked.
 *
 * <p>A taken child is replaced {@value #GRACE_MILLIS} ms after the last take, not at once: parking a child costs a few
 * milliseconds of CPU ({@code posix_spawn} from this JVM, two {@code exec}s, a new user namespace), which, started at
 * once, competes with the workload just released, and with the caller's wait for it, for the same CPUs, and lengthens
 * exactly the start the pool is there to shorten (measured: ~2 ms on a start of ~4 ms when the replacement began at
 * the workload's exit, docs/performance.md). Each replacement waits at most that long, so starts that come faster
 * still get their children replaced, one every park plus at most {@value #GRACE_MILLIS} ms.
 *
 * <p>Each child is taken at most once: two workloads never share a namespace. One that died while waiting (killed,
 * say) is dropped when its exit is seen, and skipped if {@link #take()} finds it dead first. When preparing fails
 * (no namespace may be created, a helper is missing), the thread waits before it tries again, from 100 ms doubling to
 * 10 s, and starts meanwhile miss and report the failure themselves. {@link #close()} kills and reaps every child
 * that waits, and the one being parked, before it returns; what each holds (a lease) is given back.
 *
 * <pre>{@code
 * PreparedChildren pool = PreparedChildren.start(4, () -> new Prepared(parkAndWriteMaps(), null));
 * Prepared child = pool.take();         // null: a miss
 * }</pre>
 */
public final class PreparedChildren implements AutoCloseable {

    /** Thread name of the refill thread; one per pool. */
    public static final String THREAD_NAME = "linx-user-prepared";

    static final long GRACE_MILLIS = 10;
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int target;
    private final Supplier<Prepared> factory;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a child is taken or dropped, and at close. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Prepared> ready = new ArrayDeque<>();
    /** When a child was last taken ({@link System#nanoTime()}); meaningful once {@code tookAny}. */
    private long lastTake;
    private boolean tookAny;
    private final Thread refiller;
    private boolean closed;

    private PreparedChildren(int target, Supplier<Prepared> factory) {
        this.target = target;
        this.factory = factory;
        this.refiller = Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(this::refill);
    }

    /**
     * A pool that starts filling now, on its own thread.
     *
     * @param target how many children to keep ready, at least 1
     * @param factory parks one child and writes its maps; on failure it throws and leaves nothing behind
     */
    public static PreparedChildren start(int target, Supplier<Prepared> factory) {
        if (target < 1) {
            throw new IllegalArgumentException("a pool of prepared children holds at least one, got " + target);
        }
        PreparedChildren pool = new PreparedChildren(target, Objects.requireNonNull(factory, "factory"));
        pool.refiller.start();
        return pool;
    }

    /**
     * A child still parked, taken out of the pool for good, or {@code null} when none is ready (or the pool is
     * closed). Either way the refill thread is woken to replace it.
     */
    public Prepared take() {
        while (true) {
            Prepared next;
            lock.lock();
            try {
                next = closed ? null : ready.pollFirst();
                if (next == null) {
                    changed.signal();
                    return null;
                }
            } finally {
                lock.unlock();
            }
            boolean parked = next.child().isParked();
            lock.lock();
            try {
                if (parked) {
                    // Before the refill thread is woken: it lets this workload start before it parks a successor.
                    lastTake = System.nanoTime();
                    tookAny = true;
                }
                changed.signal();
            } finally {
                lock.unlock();
            }
            if (parked) {
                return next;
            }
            next.discard();
        }
    }

    /** How many children wait ready now. */
    public int ready() {
        lock.lock();
        try {
            return ready.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** How many children the pool keeps ready. */
    public int target() {
        return target;
    }

    /**
     * Kills and reaps every waiting child and the one being parked, and gives back what they hold; children already
     * taken are left alone. Idempotent.
     */
    @Override
    public void close() {
        List<Prepared> left;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(ready);
            ready.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Prepared child : left) {
            child.discard();
        }
        // An interrupt ends a readiness wait at once; the factory then kills and reaps the child it was parking.
        refiller.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                refiller.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void refill() {
        long backoff = 0;
        while (true) {
            lock.lock();
            try {
                // After a failure, the back-off is waited out even if starts take children meanwhile.
                long wait = backoff;
                while (!closed && (wait > 0 || ready.size() >= target)) {
                    if (wait > 0) {
                        wait = changed.awaitNanos(wait);
                    } else {
                        changed.await();
                    }
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                // Only close() interrupts, and it has set closed.
                return;
            } finally {
                lock.unlock();
            }
            awaitGrace();
            if (isClosed()) {
                return;
            }
            Prepared child;
            try {
                child = factory.get();
            } catch (RuntimeException | Error e) {
                // Starts meanwhile miss, park cold, and report the failure to their callers.
                backoff = backoff == 0 ? FIRST_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                continue;
            }
            backoff = 0;
            if (!offer(child)) {
                child.discard();
                return;
            }
        }
    }

    /** Waits until {@value #GRACE_MILLIS} ms after the last take (at most that long, since it is in the past). */
    private void awaitGrace() {
        lock.lock();
        try {
            long left = tookAny ? lastTake + GRACE_NANOS - System.nanoTime() : 0;
            while (left > 0 && !closed) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // close(): the loop sees closed next.
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Adds a freshly prepared child, watching for its death; {@code false} when the pool closed meanwhile. */
    private boolean offer(Prepared child) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            ready.addLast(child);
        } finally {
            lock.unlock();
        }
        // On the reaping thread, so short: every workload's exit runs it, and a taken child is found in no queue.
        child.child().whenExited(() -> dropIfWaiting(child));
        return true;
    }

    /** A child that exited while it waited is dropped and replaced; a taken one is none of the pool's business. */
    private void dropIfWaiting(Prepared child) {
        boolean removed;
        lock.lock();
        try {
            // By identity: a record's equals would compare its fields, on the reaping thread at every exit.
            removed = ready.removeIf(waiting -> waiting == child);
            if (removed) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            // Closing waits for the helper and its streams: never on the reaping thread.
            CompletableFuture.runAsync(child::discard);
        }
    }

    @Override
    public String toString() {
        return "PreparedChildren[target=" + target + ", ready=" + ready() + "]";
    }

    /**
     * One prepared child and what it holds for its workload.
     *
     * @param child the parked child, maps written, argv to come at release
     * @param held what goes back when the child is discarded unused (an id lease), or {@code null}
     */
    public record Prepared(ParkedChild child, AutoCloseable held) {

        /** Checks the child. */
        public Prepared {
            Objects.requireNonNull(child, "child");
        }

        /** Kills and reaps the child if it never proceeded, then gives back what it held. */
        public void discard() {
            try {
                child.close();
            } finally {
                if (held != null) {
                    try {
                        held.close();
                    } catch (Exception e) {
                        // A lease's close does not fail; nothing else to give back.
                    }
                }
            }
        }
    }
}
