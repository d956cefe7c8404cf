package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class UserNamespaceExceptionTest {

    @Test
    void theMessageReadsLikeTheSeed() {
        var e = new UserNamespaceException(Operation.SET_UID_MAP, Path.of("/proc/1/uid_map"), 1);
        assertThat(e).hasMessage("user set_uid_map failed on /proc/1/uid_map: eperm (errno 1)");
    }

    @Test
    void theAccessorsCarryTheStructuredFields() {
        var e = new UserNamespaceException(Operation.READ_GID_MAP, Path.of("/proc/9999999/gid_map"), 2);
        assertThat(e.operation()).isEqualTo(Operation.READ_GID_MAP);
        assertThat(e.path()).isEqualTo(Path.of("/proc/9999999/gid_map"));
        assertThat(e.errno()).isEqualTo(Errno.ENOENT);
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.hint()).isEmpty();
    }

    @Test
    void theHintIsNotInTheMessageButInToString() {
        var e = new UserNamespaceException(Operation.SET_UID_MAP, Path.of("/proc/1/uid_map"), 1, "write-once");
        assertThat(e).hasMessage("user set_uid_map failed on /proc/1/uid_map: eperm (errno 1)");
        assertThat(e.hint()).contains("write-once");
        assertThat(e.toString()).contains("write-once");
    }

    @Test
    void anUnnamedCodeKeepsItsNumber() {
        var e = new UserNamespaceException(Operation.DENY_SETGROUPS, Path.of("/proc/1/setgroups"), 4242);
        assertThat(e.errno()).isEqualTo(Errno.UNKNOWN);
        assertThat(e.code()).isEqualTo(4242);
        assertThat(e).hasMessage("user deny_setgroups failed on /proc/1/setgroups: unknown (errno 4242)");
    }

    @Test
    void itIsUnchecked() {
        assertThat(new UserNamespaceException(Operation.SET_UID_MAP, Path.of("/proc/1/uid_map"), 1))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void aHelperFailureIsCarriedAndShownByToStringButNotTheMessage() {
        var helper = new UserNamespaceException.HelperFailure("/usr/bin/newuidmap", 1, "newuidmap: uid range not allowed");
        var e = new UserNamespaceException(Operation.SET_UID_MAP, Path.of("/proc/7/uid_map"), 1, "subuid", helper);
        assertThat(e).hasMessage("user set_uid_map failed on /proc/7/uid_map: eperm (errno 1)");
        assertThat(e.helperFailure()).contains(helper);
        assertThat(e.toString()).endsWith("eperm (errno 1) (/usr/bin/newuidmap exited with status 1:"
                + " newuidmap: uid range not allowed) (hint: subuid)");
    }

    @Test
    void aDirectRejectionHasNoHelperFailure() {
        assertThat(new UserNamespaceException(Operation.SET_UID_MAP, Path.of("/proc/1/uid_map"), 1).helperFailure())
                .isEmpty();
    }
}
