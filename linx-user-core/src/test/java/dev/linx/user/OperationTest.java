package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class OperationTest {

    @Test
    void theLabelIsTheLowerCaseName() {
        assertThat(Operation.SET_UID_MAP.label()).isEqualTo("set_uid_map");
        assertThat(Operation.READ_SETGROUPS.label()).isEqualTo("read_setgroups");
    }

    @Test
    void eachOperationNamesItsProcfsFile() {
        assertThat(Operation.SET_UID_MAP.fileName()).isEqualTo("uid_map");
        assertThat(Operation.READ_UID_MAP.fileName()).isEqualTo("uid_map");
        assertThat(Operation.SET_GID_MAP.fileName()).isEqualTo("gid_map");
        assertThat(Operation.READ_GID_MAP.fileName()).isEqualTo("gid_map");
        assertThat(Operation.DENY_SETGROUPS.fileName()).isEqualTo("setgroups");
        assertThat(Operation.READ_SETGROUPS.fileName()).isEqualTo("setgroups");
    }
}
