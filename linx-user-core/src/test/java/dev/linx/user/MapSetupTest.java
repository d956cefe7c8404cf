package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linx.user.InvalidMappingException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("rootless")
class MapSetupTest {

    private static final List<IdMapping> ROOT = List.of(IdMapping.of(0, 1000, 1));

    @Test
    void ofDeniesSetgroups() {
        assertThat(MapSetup.of(ROOT, ROOT).setgroups()).isEqualTo(SetgroupsPolicy.DENY);
    }

    @Test
    void aNullPolicyMeansDeny() {
        assertThat(new MapSetup(ROOT, ROOT, null).setgroups()).isEqualTo(SetgroupsPolicy.DENY);
    }

    @Test
    void aMissingUidMapIsRefused() {
        assertThatThrownBy(() -> MapSetup.of(null, ROOT))
                .isInstanceOf(InvalidMappingException.class)
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.MISSING_UID_MAP);
    }

    @Test
    void aMissingGidMapIsRefused() {
        assertThatThrownBy(() -> MapSetup.of(ROOT, null))
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.MISSING_GID_MAP);
    }

    @Test
    void aNullEntryIsABadEntry() {
        assertThatThrownBy(() -> MapSetup.of(Arrays.asList(IdMapping.of(0, 0, 1), null), ROOT))
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.BAD_ENTRY);
    }

    @Test
    void theListsAreCopied() {
        List<IdMapping> uid = new ArrayList<>(ROOT);
        MapSetup setup = MapSetup.of(uid, ROOT);
        uid.add(IdMapping.of(1, 2000, 1));
        assertThat(setup.uid()).containsExactly(IdMapping.of(0, 1000, 1));
    }

    @Test
    void rootlessMapsRootToTheGivenIds() {
        MapSetup setup = MapSetup.rootless(1000, 1001);
        assertThat(setup.uid()).containsExactly(IdMapping.of(0, 1000, 1));
        assertThat(setup.gid()).containsExactly(IdMapping.of(0, 1001, 1));
        assertThat(setup.setgroups()).isEqualTo(SetgroupsPolicy.DENY);
    }

    @Test
    void validateAcceptsAValidSetup() {
        MapSetup setup = MapSetup.of(ROOT, ROOT);
        assertThat(setup.validate()).isSameAs(setup);
    }

    @Test
    void validateRefusesAnEmptyGidMap() {
        assertThatThrownBy(() -> MapSetup.of(ROOT, List.of()).validate())
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.EMPTY_MAP);
    }

    @Test
    void validateRefusesOverlappingUidRanges() {
        List<IdMapping> overlapping = List.of(IdMapping.of(0, 1000, 10), IdMapping.of(5, 5000, 1));
        assertThatThrownBy(() -> MapSetup.of(overlapping, ROOT).validate())
                .extracting(e -> ((InvalidMappingException) e).reason()).isEqualTo(Reason.OVERLAPPING_RANGES);
    }
}
