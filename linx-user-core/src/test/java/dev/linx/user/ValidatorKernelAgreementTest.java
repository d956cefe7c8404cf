package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linx.user.internal.maps.MapRules;
import dev.linx.user.internal.sys.ErrnoException;
import dev.linx.user.internal.sys.LibC;
import dev.linx.user.internal.sys.Syscalls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The validator against the kernel: thousands of generated maps, valid and invalid, are judged by the validator and
 * written for real, unvalidated, to parked children. Run as root it checks the kernel's rules for a privileged writer;
 * run as an unprivileged user (the rootless group, as uid 65534) it checks them with the unprivileged rule on top.
 *
 * <p>A map the kernel refuses leaves the file unwritten, so a child takes samples until one is accepted on its
 * {@code uid_map} and one on its {@code gid_map}; then a fresh child is parked.
 *
 * <p>One deliberate difference: the kernel keeps only the low 32 bits of each number it reads ({@code 4294967296} is
 * read as {@code 0}), while the contract ({@code api.md}) refuses any id or length outside the 32-bit range as
 * {@code BAD_ENTRY}. Maps with such a number are checked for exactly that.
 */
@Tag("rootless")
class ValidatorKernelAgreementTest {

    private static final long SEED = Long.getLong("linx.differential.seed", 20261122L);
    private static final int EINVAL = Errno.EINVAL.code();
    private static final int EPERM = Errno.EPERM.code();

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void theValidatorAcceptsExactlyWhatTheKernelAccepts() {
        boolean privileged = Kernel.isRoot();
        int maps = Integer.getInteger("linx.differential.maps", privileged ? 4000 : 1500);
        long uid = LibC.geteuid();
        long gid = LibC.getegid();
        MapSamples samples = new MapSamples(SEED, privileged ? -1 : uid);
        Tally tally = new Tally();
        long started = System.nanoTime();
        int parkedBefore = Child.parked;
        Child child = new Child(privileged);
        try {
            for (int i = 0; i < maps; i++) {
                long[][] map = samples.next();
                String file = child.nextFile();
                long ownId = file.equals("uid_map") ? uid : gid;
                int errno = child.write(file, MapSamples.text(map));
                String sample = "sample " + i + " to " + file + ": "
                        + new String(MapSamples.text(map), StandardCharsets.US_ASCII).replace("\n", "|");
                InvalidMappingException.Reason ours = validator(map);
                if (MapSamples.beyond32Bits(map)) {
                    // The deliberate difference: ours refuses, the kernel judges the low 32 bits.
                    assertThat(ours).as(sample).isEqualTo(InvalidMappingException.Reason.BAD_ENTRY);
                    assertThat(errno).as(sample).isEqualTo(
                            expectedErrno(kernelReading(map), MapSamples.low32Bits(map), privileged, ownId));
                    tally.beyond32Bits++;
                    tally.beyond32BitsKernelAccepted += errno == 0 ? 1 : 0;
                } else {
                    assertThat(errno).as(sample + " (validator: " + (ours == null ? "accept" : ours) + ")")
                            .isEqualTo(expectedErrno(ours, map, privileged, ownId));
                    tally.count(ours, errno);
                }
                if (errno == 0) {
                    assertThat(Set.copyOf(child.readBack(file))).as(sample + " read back")
                            .isEqualTo(Set.copyOf(MapSamples.mappings(MapSamples.low32Bits(map))));
                    child = child.accepted(file);
                }
            }
        } finally {
            child.close();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("validator vs kernel (%s writer, uid %d, seed %d): %d maps on %d parked children in %d ms:"
                        + " %d accepted by both, %d refused by both %s, %d valid but refused by the unprivileged rule"
                        + " (EPERM), %d with a number beyond 32 bits refused by the validator (the kernel, reading"
                        + " the low 32 bits, accepted %d)%n",
                privileged ? "privileged" : "unprivileged", uid, SEED, maps, Child.parked - parkedBefore, millis,
                tally.accepted, tally.refusedByBoth(), tally.refusedReasons, tally.privilegeRefused, tally.beyond32Bits,
                tally.beyond32BitsKernelAccepted);
        assertThat(tally.accepted).as("accepted samples").isGreaterThan(maps / 10);
        assertThat(tally.refusedReasons.keySet()).as("every kind of refusal was tried")
                .contains(InvalidMappingException.Reason.EMPTY_MAP, InvalidMappingException.Reason.BAD_ENTRY,
                        InvalidMappingException.Reason.OVERLAPPING_RANGES,
                        InvalidMappingException.Reason.TOO_MANY_EXTENTS, InvalidMappingException.Reason.MAP_TOO_LONG);
    }

    @Test
    void theKernelReadsNumbersBeyond32BitsModulo2To32WhereTheValidatorRefusesThem() {
        long own = Kernel.isRoot() ? 0 : LibC.geteuid();
        long[][] map = {{MapSamples.U32, own, 1}};
        assertThat(validator(map)).isEqualTo(InvalidMappingException.Reason.BAD_ENTRY);
        Child child = new Child(Kernel.isRoot());
        try {
            assertThat(child.write("uid_map", MapSamples.text(map))).as("errno").isZero();
            assertThat(child.readBack("uid_map")).containsExactly(IdMapping.of(0, own, 1));
        } finally {
            child.close();
        }
    }

    /** What the library says: {@code null} for accept, else the reason it refuses. */
    private static InvalidMappingException.Reason validator(long[][] map) {
        try {
            List<IdMapping> entries = new ArrayList<>();
            for (long[] e : map) {
                entries.add(IdMapping.of(e[0], e[1], e[2]));
            }
            MapRules.checkAndRender(entries, "uid");
            return null;
        } catch (InvalidMappingException e) {
            return e.reason();
        }
    }

    /** The validator's verdict on what the kernel reads from a text with numbers beyond 32 bits. */
    private static InvalidMappingException.Reason kernelReading(long[][] map) {
        if (MapSamples.hasNegative(map)) {
            return InvalidMappingException.Reason.BAD_ENTRY;
        }
        if (MapSamples.text(map).length > MapRules.maxBytes()) {
            return InvalidMappingException.Reason.MAP_TOO_LONG;
        }
        return validator(MapSamples.low32Bits(map));
    }

    /**
     * The kernel's answer the validator predicts: {@code EINVAL} for a refused map (the kernel parses before it checks
     * permission); for an unprivileged writer {@code EPERM} unless the map is one entry of length 1 onto its own id.
     */
    private static int expectedErrno(InvalidMappingException.Reason ours, long[][] map, boolean privileged,
            long ownId) {
        if (ours != null) {
            return EINVAL;
        }
        if (privileged) {
            return 0;
        }
        return map.length == 1 && map[0][2] == 1 && map[0][1] == ownId ? 0 : EPERM;
    }

    /** A parked child whose maps take samples until each is written once. */
    private static final class Child {
        /** How many children were parked so far, for the report. */
        static int parked;
        private final boolean privileged;
        private final ParkedProcess process;
        private final Set<String> written = new HashSet<>();

        Child(boolean privileged) {
            this.privileged = privileged;
            this.process = ParkedProcess.start(List.of("true"), Set.of());
            parked++;
            if (!privileged) {
                // An unprivileged gid_map needs setgroups denied first; it changes nothing else.
                UserNamespaces.operations().denySetgroups(process.hostPid());
            }
        }

        String nextFile() {
            return written.contains("uid_map") ? "gid_map" : "uid_map";
        }

        /** One unvalidated write(2) at offset 0; the errno, or 0 when the kernel took the whole text. */
        int write(String file, byte[] text) {
            try (Syscalls sys = Syscalls.open()) {
                int fd = sys.open("/proc/" + process.hostPid() + "/" + file, LibC.O_WRONLY | LibC.O_CLOEXEC);
                try {
                    long n = sys.write(fd, sys.copyOf(text));
                    assertThat(n).as("bytes taken").isEqualTo(text.length);
                    return 0;
                } catch (ErrnoException e) {
                    return e.errno();
                } finally {
                    sys.close(fd);
                }
            } catch (ErrnoException e) {
                throw new AssertionError("cannot open " + file + " of the parked child", e);
            }
        }

        List<IdMapping> readBack(String file) {
            var ops = UserNamespaces.operations();
            return file.equals("uid_map") ? ops.readUidMap(process.hostPid()) : ops.readGidMap(process.hostPid());
        }

        Child accepted(String file) {
            written.add(file);
            if (written.size() < 2) {
                return this;
            }
            close();
            return new Child(privileged);
        }

        void close() {
            process.close();
        }
    }

    private static final class Tally {
        int accepted;
        int privilegeRefused;
        int beyond32Bits;
        int beyond32BitsKernelAccepted;
        final Map<InvalidMappingException.Reason, Integer> refusedReasons =
                new EnumMap<>(InvalidMappingException.Reason.class);

        void count(InvalidMappingException.Reason ours, int errno) {
            if (ours != null) {
                refusedReasons.merge(ours, 1, Integer::sum);
            } else if (errno == 0) {
                accepted++;
            } else {
                privilegeRefused++;
            }
        }

        int refusedByBoth() {
            return refusedReasons.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
