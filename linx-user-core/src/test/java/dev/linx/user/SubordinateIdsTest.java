package dev.linx.user;

import static dev.linx.user.Expect.invalid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.InvalidMappingException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubordinateIdsTest {

    @Test
    void aLineNamingTheUserGrantsItsRange() {
        assertThat(SubordinateIds.parse("alice:100000:65536\n", "alice", 1000)).containsExactly(new IdRange(100000, 65536));
    }

    @Test
    void aLineNamingTheUidGrantsItsRangeToo() {
        assertThat(SubordinateIds.parse("1000:200000:10\n", "alice", 1000)).containsExactly(new IdRange(200000, 10));
    }

    @Test
    void everyLineForTheUserCountsInFileOrder() {
        String text = "bob:100000:65536\nalice:300000:10\n1000:165536:5\nalice:400000:1\n";
        assertThat(SubordinateIds.parse(text, "alice", 1000))
                .containsExactly(new IdRange(300000, 10), new IdRange(165536, 5), new IdRange(400000, 1));
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        String text = "# delegated by the admin\n\n   \nalice:100000:65536\n#alice:1:1\n";
        assertThat(SubordinateIds.parse(text, "alice", 1000)).containsExactly(new IdRange(100000, 65536));
    }

    @Test
    void aLineThatGrantsNothingValidIsSkipped() {
        String text = "alice:abc:10\nalice:100000:0\nalice:4294967290:10\nalice:-1:5\nalice:1:2:3\nalice:5:5\n";
        assertThat(SubordinateIds.parse(text, "alice", 1000)).containsExactly(new IdRange(5, 5));
    }

    @Test
    void aNumberTheHelpersReadInAnotherBaseIsSkipped() {
        // newuidmap reads numbers with strtoul(..., 0): 0300000 is octal 98304 to it, 0x10 is 16.
        String text = "alice:0300000:10\nalice:0x10:10\nalice:300000:010\nalice:7:7\n";
        assertThat(SubordinateIds.parse(text, "alice", 1000)).containsExactly(new IdRange(7, 7));
    }

    @Test
    void zeroItselfIsAPlainDecimal() {
        assertThat(SubordinateIds.parse("alice:0:5\n", "alice", 1000)).containsExactly(new IdRange(0, 5));
    }

    @Test
    void aNumberWithASignABlankACarriageReturnOrNonAsciiDigitsIsSkipped() {
        String text = "alice:+5:5\nalice: 5:5\nalice:5:5 \nalice:5:5\r\nalice:\u0665:5\nalice:7:7\n";
        assertThat(SubordinateIds.parse(text, "alice", 1000)).containsExactly(new IdRange(7, 7));
    }

    @Test
    void anOwnerWithBlanksAroundItIsNotTheUser() {
        assertThat(SubordinateIds.parse(" alice:5:5\nalice :5:5\n\t1000:5:5\nalice:7:7\n", "alice", 1000))
                .containsExactly(new IdRange(7, 7));
    }

    @Test
    void anotherUsersLinesGrantNothing() {
        assertThat(SubordinateIds.parse("alicia:100000:65536\n10000:1:1\n", "alice", 1000)).isEmpty();
    }

    @Test
    void withoutANameOnlyUidLinesCount() {
        assertThat(SubordinateIds.parse("alice:1:1\n1000:2:2\n", null, 1000)).containsExactly(new IdRange(2, 2));
    }

    @Test
    void aRangeValidatesLikeAnIdMapping() {
        assertThat(invalid(() -> new IdRange(0, 0))).isEqualTo(Reason.BAD_ENTRY);
        assertThat(invalid(() -> new IdRange(4294967295L, 1))).isEqualTo(Reason.BAD_ENTRY);
        assertThat(invalid(() -> new IdRange(4294967290L, 6))).isEqualTo(Reason.BAD_ENTRY);
        assertThat(new IdRange(4294967290L, 5).last()).isEqualTo(4294967294L);
    }

    @Test
    void aCountSoLargeThatTheEndWouldOverflowALongIsRefused() {
        assertThat(invalid(() -> new IdRange(100000, Long.MAX_VALUE - 50_000))).isEqualTo(Reason.BAD_ENTRY);
        assertThat(SubordinateIds.parse("alice:100000:9223372036854775000\n", "alice", 1000)).isEmpty();
    }

    @Test
    void theFilesAreReadAndAMissingOneGrantsNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\n");
        SubordinateIds ids = SubordinateIds.read("alice", 1000, 1001, dir.resolve("subuid"), dir.resolve("missing"));
        assertThat(ids.uids()).containsExactly(new IdRange(100000, 65536));
        assertThat(ids.gids()).isEmpty();
        assertThat(ids.user()).isEqualTo("alice");
        assertThat(ids.uid()).isEqualTo(1000);
        assertThat(ids.gid()).isEqualTo(1001);
    }

    @Test
    void aFileThatIsNotValidUtf8IsReadAsBytesAndItsOtherLinesStillCount(@TempDir Path dir) throws Exception {
        // A Latin-1 name (0xE9) and a lone continuation byte (0x80) in a comment: newuidmap reads them as bytes.
        Files.write(dir.resolve("subuid"), bytes("jos\u00e9:200000:10\n# caf\u0080\nalice:100000:65536\n"));
        SubordinateIds ids = SubordinateIds.read("alice", 1000, 1000, dir.resolve("subuid"), dir.resolve("subuid"));
        assertThat(ids.uids()).containsExactly(new IdRange(100000, 65536));
        assertThat(ids.gids()).containsExactly(new IdRange(100000, 65536));
    }

    @Test
    void anOwnerIsComparedByteForByteWithTheNamesUtf8Bytes() {
        byte[] content = bytes("jos\u00e9:200000:10\n").clone();
        assertThat(SubordinateIds.parse(content, "jos\u00e9", 1000)).as("Latin-1 0xE9 is not UTF-8 C3 A9").isEmpty();
        assertThat(SubordinateIds.parse("jos\u00e9:200000:10\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "jos\u00e9", 1000)).containsExactly(new IdRange(200000, 10));
    }

    @Test
    void textAndItsUtf8BytesGrantTheSame() {
        String text = "# x\nalice:1:2\n\n1000:5:5\r\nalice:0300000:1\nalice:7:7";
        assertThat(SubordinateIds.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "alice", 1000))
                .isEqualTo(SubordinateIds.parse(text, "alice", 1000))
                .containsExactly(new IdRange(1, 2), new IdRange(7, 7));
    }

    /** Each char of the text as one byte (ISO-8859-1): how a file in another encoding than UTF-8 looks. */
    private static byte[] bytes(String latin1) {
        return latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void theRootlessLayoutPutsTheOwnIdAtZeroAndTheRangesAfterIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("subuid"), "alice:100000:65536\nalice:300000:10\n");
        Files.writeString(dir.resolve("subgid"), "alice:200000:65536\n");
        MapSetup setup = SubordinateIds.read("alice", 1000, 1001, dir.resolve("subuid"), dir.resolve("subgid"))
                .rootlessSetup();
        assertThat(setup.uid()).containsExactly(IdMapping.of(0, 1000, 1), IdMapping.of(1, 100000, 65536),
                IdMapping.of(65537, 300000, 10));
        assertThat(setup.gid()).containsExactly(IdMapping.of(0, 1001, 1), IdMapping.of(1, 200000, 65536));
        assertThat(setup.setgroups()).isEqualTo(SetgroupsPolicy.DENY);
    }

    @Test
    void withoutRangesTheLayoutIsJustTheOwnId(@TempDir Path dir) {
        MapSetup setup = SubordinateIds.read("alice", 1000, 1001, dir.resolve("none"), dir.resolve("none"))
                .rootlessSetup();
        assertThat(setup).isEqualTo(MapSetup.rootless(1000, 1001));
    }

    @Test
    void aRangeContainingTheOwnIdMakesTheLayoutOverlap(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("subuid"), "alice:500:1000\n");
        SubordinateIds ids = SubordinateIds.read("alice", 1000, 1001, dir.resolve("subuid"), dir.resolve("none"));
        assertThat(invalid(ids::rootlessSetup)).isEqualTo(Reason.OVERLAPPING_RANGES);
    }

    @Test
    void anUnknownUserNameIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SubordinateIds.of("no-such-user-linx"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-user-linx");
    }

    @Test
    void theCurrentUserIsThisProcesssEffectiveUser() {
        SubordinateIds mine = SubordinateIds.current();
        assertThat(mine.uid()).isEqualTo(MapSetup.rootless().uid().getFirst().outside());
        assertThat(mine.gid()).isEqualTo(MapSetup.rootless().gid().getFirst().outside());
        assertThat(List.of(mine.uids(), mine.gids())).doesNotContainNull();
    }
}
