package dev.linx.user.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserNamespaceSupportTest {

    @Test
    void thisLinuxHostIsSupported() {
        assertThat(UserNamespaceSupport.unsupportedReason()).isEmpty();
    }

    @Test
    void aHostThatIsNotLinuxIsNotSupported() {
        assertThat(UserNamespaceSupport.unsupportedReason("Windows 11", UserNamespaceSupport.SELF_UID_MAP))
            .hasValue("user namespaces are a Linux feature and this host runs Windows 11");
    }

    /** A kernel without CONFIG_USER_NS cannot be provoked here: a fake, empty /proc stands in for it. */
    @Test
    void aKernelWithoutUserNamespacesIsNotSupported_fakeProc(@TempDir Path fakeProc) {
        Path missing = fakeProc.resolve("self/uid_map");
        assertThat(UserNamespaceSupport.unsupportedReason("Linux", missing))
            .hasValue(missing + " does not exist: this kernel was built without user namespaces (CONFIG_USER_NS)");
    }
}
