package dev.linx.user.internal.launch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The parent's ends of a child's pipes as {@link SpawnedProcess} hands them out. When the child exits, what it left
 * unread in a pipe is kept in memory and the descriptor is closed, so a caller who never reads or closes a stream
 * does not keep a descriptor per finished child.
 */
final class PipeStreams {

    private PipeStreams() {
    }

    /** The read end of the child's stdout or stderr. */
    static final class In extends BufferedInputStream {

        In(FileInputStream pipe) {
            super(pipe);
        }

        /**
         * Keeps what is buffered in the pipe and releases the descriptor. Synchronized like the reads of a subclass of
         * {@link BufferedInputStream}, so it waits for a read in progress (which the exit ends) rather than racing it.
         */
        synchronized void processExited() {
            if (!(in instanceof FileInputStream pipe)) {
                return;
            }
            try {
                int left = pipe.available();
                byte[] rest = left > 0 ? pipe.readNBytes(left) : new byte[0];
                pipe.close();
                in = new ByteArrayInputStream(rest);
            } catch (IOException e) {
                // Closed by the caller meanwhile: nothing to keep.
            }
        }
    }

    /** The write end of the child's stdin. */
    static final class Out extends BufferedOutputStream {

        Out(FileOutputStream pipe) {
            super(pipe);
        }

        /** Releases the descriptor: nobody reads the pipe any more. */
        synchronized void processExited() {
            if (out instanceof FileOutputStream pipe) {
                try {
                    pipe.close();
                } catch (IOException e) {
                    // Already closed by the caller.
                }
                out = CLOSED;
            }
        }

        private static final OutputStream CLOSED = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Stream closed: the process has exited");
            }
        };
    }
}
