package dev.linx.user.internal.sys;

/**
 * A failed system call and the {@code errno} captured at it. Checked, so that every caller inside the library turns
 * it into the public error shape; it never escapes the library. Carries no stack trace: it is control flow.
 */
public final class ErrnoException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * Creates the failure of one call.
     *
     * @param call the C function that failed
     * @param errno the captured {@code errno}
     */
    public ErrnoException(String call, int errno) {
        super(call + " failed with errno " + errno, null, false, false);
        this.errno = errno;
    }

    /** The captured {@code errno}. */
    public int errno() {
        return errno;
    }
}
