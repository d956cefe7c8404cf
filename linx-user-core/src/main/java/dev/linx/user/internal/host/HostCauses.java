package dev.linx.user.internal.host;

import dev.linx.user.UnmappedIdentityException;
import dev.linx.user.internal.sys.IdMappingProbe.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Explains a namespace helper that failed before the checkpoint from what the kernel says about this process, never
 * from the helper's words (which carry no errno): a cause the kernel proves becomes a typed cause, one it only makes
 * likely is named in the message.
 */
public final class HostCauses {

    private HostCauses() {
    }

    /**
     * The error for a helper failure whose message is {@code text}: with an {@link UnmappedIdentityException} cause
     * when this thread's own ids have no mapping in its user namespace; otherwise a plain failure, whose message names
     * a seccomp filter on this thread as the likely cause when there is one.
     */
    public static UncheckedIOException explain(String text) {
        try {
            return diagnose(text);
        } catch (RuntimeException e) {
            // Best effort, like a hint: when the diagnosis cannot read what it needs (a descriptor table that is
            // full), the helper's own failure is the answer.
            return new UncheckedIOException(text, new IOException(text));
        }
    }

    private static UncheckedIOException diagnose(String text) {
        OwnIdentity identity = OwnIdentity.current();
        if (identity.unmapped()) {
            String why = text + " (" + identity.explanation() + "; " + OwnIdentity.fix() + ")";
            return new UncheckedIOException(why, new UnmappedIdentityException(why,
                    identity.uid() == Answer.UNMAPPED, identity.gid() == Answer.UNMAPPED));
        }
        Optional<SeccompStatus> seccomp = SeccompStatus.current();
        String why = seccomp.filter(SeccompStatus::filtered).map(s -> text + " (" + s.likelyCause() + ")").orElse(text);
        return new UncheckedIOException(why, new IOException(why));
    }
}
