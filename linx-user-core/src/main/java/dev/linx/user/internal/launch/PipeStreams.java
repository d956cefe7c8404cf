package dev.linx.user.internal.launch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The parent's ends of a child's pipes as {@link SpawnedProcess} hands them out, buffered like the JDK's. When the
 * child exits, what it left unread in a pipe is kept in memory and the descriptor is closed, so a caller who never
 * reads or closes a stream does not keep a descriptor per finished child.
 *
 * <p>Every operation holds the stream's lock, so that the switch at exit never races a read or write; the switch
 * {@linkplain In#tryProcessExited() only tries} the lock, so the thread that saw the exit never waits for a reader.
 */
final class PipeStreams {

    private PipeStreams() {
    }

    /** Runs the switch at exit under the stream's lock if it is free; {@code false} when a read or write holds it. */
    private static boolean tryLocked(ReentrantLock lock, Runnable atExit) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            atExit.run();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Runs the switch at exit under the stream's lock, waiting for the read or write that holds it. */
    private static void locked(ReentrantLock lock, Runnable atExit) {
        lock.lock();
        try {
            atExit.run();
        } finally {
            lock.unlock();
        }
    }

    /** The read end of the child's stdout or stderr. */
    static final class In extends InputStream {

        private final ReentrantLock lock = new ReentrantLock();
        private InputStream in;
        private boolean switched;

        In(FileInputStream pipe) {
            this.in = new BufferedInputStream(pipe);
        }

        /**
         * Keeps what is left in the pipe and releases the descriptor, unless a read holds the stream.
         *
         * @return {@code false} when the stream was busy: call {@link #processExited()} from a thread that may wait
         */
        boolean tryProcessExited() {
            return tryLocked(lock, this::switchToMemory);
        }

        /** {@link #tryProcessExited()}, waiting for a read in progress (which the exit ends). */
        void processExited() {
            locked(lock, this::switchToMemory);
        }

        private void switchToMemory() {
            if (switched) {
                return;
            }
            switched = true;
            try {
                int left = in.available();
                byte[] rest = left > 0 ? in.readNBytes(left) : new byte[0];
                in.close();
                in = new ByteArrayInputStream(rest);
            } catch (IOException e) {
                // Closed by the caller meanwhile: nothing to keep.
            }
        }

        @Override
        public int read() throws IOException {
            lock.lock();
            try {
                return in.read();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                return in.read(b, off, len);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long skip(long n) throws IOException {
            lock.lock();
            try {
                return in.skip(n);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() throws IOException {
            lock.lock();
            try {
                return in.available();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            lock.lock();
            try {
                in.close();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The write end of the child's stdin. */
    static final class Out extends OutputStream {

        private static final OutputStream CLOSED = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Stream closed: the process has exited");
            }
        };

        private final ReentrantLock lock = new ReentrantLock();
        private OutputStream out;

        Out(FileOutputStream pipe) {
            this.out = new BufferedOutputStream(pipe);
        }

        /** Releases the descriptor, unless a write holds the stream; {@code false} then. */
        boolean tryProcessExited() {
            return tryLocked(lock, this::release);
        }

        /** {@link #tryProcessExited()}, waiting for a write in progress (which the exit ends with an error). */
        void processExited() {
            locked(lock, this::release);
        }

        private void release() {
            if (out != CLOSED) {
                try {
                    out.close();
                } catch (IOException e) {
                    // Unwritten bytes had no reader any more; already closed by the caller.
                }
                out = CLOSED;
            }
        }

        @Override
        public void write(int b) throws IOException {
            lock.lock();
            try {
                out.write(b);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                out.write(b, off, len);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() throws IOException {
            lock.lock();
            try {
                out.flush();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            lock.lock();
            try {
                out.close();
            } finally {
                lock.unlock();
            }
        }
    }
}
