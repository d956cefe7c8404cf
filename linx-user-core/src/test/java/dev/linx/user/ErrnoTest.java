package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class ErrnoTest {

    @Test
    void theCommonCodesAreTheKernels() {
        assertThat(Errno.EPERM.code()).isEqualTo(1);
        assertThat(Errno.ENOENT.code()).isEqualTo(2);
        assertThat(Errno.ESRCH.code()).isEqualTo(3);
        assertThat(Errno.EACCES.code()).isEqualTo(13);
        assertThat(Errno.EINVAL.code()).isEqualTo(22);
    }

    @Test
    void fromCodeFindsTheConstant() {
        for (Errno errno : Errno.values()) {
            if (errno != Errno.UNKNOWN) {
                assertThat(Errno.fromCode(errno.code())).isEqualTo(errno);
            }
        }
    }

    @Test
    void fromCodeOfAnUnnamedCodeIsUnknown() {
        assertThat(Errno.fromCode(0)).isEqualTo(Errno.UNKNOWN);
        assertThat(Errno.fromCode(-1)).isEqualTo(Errno.UNKNOWN);
        assertThat(Errno.fromCode(4242)).isEqualTo(Errno.UNKNOWN);
    }

    @Test
    void descriptionsAreTheCLibrarysEnglishText() {
        assertThat(Errno.EPERM.description()).isEqualTo("Operation not permitted");
    }
}
