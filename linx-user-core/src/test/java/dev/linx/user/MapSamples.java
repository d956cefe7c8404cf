package dev.linx.user;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of maps as raw number triples, valid and invalid alike: overlaps, adjacent ranges, length 0,
 * ranges ending on or past 2^32-1, the id 4294967295, numbers beyond 32 bits, negative numbers, empty maps, maps near
 * 340 extents and texts near one page. The same seed gives the same maps, so every run checks the same cases.
 */
final class MapSamples {

    static final long U32 = 1L << 32;
    private static final long[] EDGES = {0, 1, 2, 1000, 65534, 65535, 65536, (1L << 31) - 1, 1L << 31,
        4_294_967_293L, 4_294_967_294L, 4_294_967_295L};

    private final SplittableRandom random;
    private final long ownId;

    /**
     * @param seed the seed
     * @param ownId the caller's effective id, or -1 for a privileged caller (no bias towards the unprivileged rule)
     */
    MapSamples(long seed, long ownId) {
        this.random = new SplittableRandom(seed);
        this.ownId = ownId;
    }

    /** The next map: each entry is {inside, outside, length}. */
    long[][] next() {
        int kind = random.nextInt(100);
        if (ownId >= 0 && kind < 40) {
            return ownIdMap();
        }
        kind = random.nextInt(100);
        if (kind < 25) {
            return disjointRanges();
        } else if (kind < 50) {
            return crowded();
        } else if (kind < 68) {
            return edges();
        } else if (kind < 76) {
            return nearTheExtentLimit();
        } else if (kind < 86) {
            return nearOnePage();
        } else if (kind < 91) {
            return withNegative();
        } else if (kind < 93) {
            return new long[0][];
        } else {
            return beyond32Bits();
        }
    }

    /** The unprivileged rule's neighbourhood: one entry onto the caller's own id, or close to it. */
    private long[][] ownIdMap() {
        long outside = switch (random.nextInt(10)) {
            case 0 -> ownId + 1;
            case 1 -> ownId - 1;
            case 2 -> 0;
            default -> ownId;
        };
        long length = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 2;
            default -> 1;
        };
        long inside = random.nextInt(4) == 0 ? pick(EDGES) : random.nextLong(0, 100_000);
        if (random.nextInt(8) == 0) {
            return new long[][] {{inside, outside, length}, {inside + 1, ownId + 1, 1}};
        }
        return new long[][] {{inside, outside, length}};
    }

    /** Mostly valid: ranges with gaps between them, sometimes nudged onto their neighbour. */
    private long[][] disjointRanges() {
        int count = random.nextInt(1, 9);
        long[][] map = new long[count][];
        long inside = random.nextLong(0, 1000);
        long outside = random.nextLong(0, 1_000_000);
        for (int i = 0; i < count; i++) {
            long length = random.nextLong(1, 1000);
            map[i] = new long[] {inside, outside, length};
            inside += length + random.nextLong(0, 3);
            outside += length + random.nextLong(0, 3);
        }
        if (random.nextInt(3) == 0) {
            long[] entry = map[random.nextInt(count)];
            entry[random.nextInt(3)] += random.nextBoolean() ? 1 : -1;
        }
        shuffle(map);
        return map;
    }

    /** Small numbers in a small space: overlaps, duplicates and length 0 are frequent. */
    private long[][] crowded() {
        int count = random.nextInt(1, 7);
        long[][] map = new long[count][];
        for (int i = 0; i < count; i++) {
            map[i] = new long[] {random.nextLong(0, 50), random.nextLong(0, 50), random.nextLong(0, 20)};
        }
        return map;
    }

    /** Numbers at the ends of the id space. */
    private long[][] edges() {
        int count = random.nextInt(1, 4);
        long[][] map = new long[count][];
        for (int i = 0; i < count; i++) {
            long inside = pick(EDGES);
            long outside = pick(EDGES);
            long length = switch (random.nextInt(6)) {
                case 0 -> U32 - 1 - inside;
                case 1 -> U32 - 1 - outside;
                case 2 -> U32 - inside;
                case 3 -> pick(EDGES);
                default -> random.nextLong(0, 3);
            };
            map[i] = new long[] {inside, outside, Math.max(length, 0)};
        }
        return map;
    }

    /** 335 to 345 short entries, around the kernel's 340. */
    private long[][] nearTheExtentLimit() {
        int count = random.nextInt(335, 346);
        long[][] map = new long[count][];
        for (int i = 0; i < count; i++) {
            map[i] = new long[] {i * 3L, 10_000 + i * 3L, random.nextInt(50) == 0 ? 4 : random.nextLong(1, 4)};
        }
        shuffle(map);
        return map;
    }

    /** About 150 entries of 10-digit numbers: texts on both sides of one page. */
    private long[][] nearOnePage() {
        int count = random.nextInt(140, 165);
        long[][] map = new long[count][];
        for (int i = 0; i < count; i++) {
            long length = random.nextLong(1, 1_000_000);
            map[i] = new long[] {1_000_000_000L + i * 1_000_000L, 3_000_000_000L + i * 1_000_000L, length};
        }
        return map;
    }

    private long[][] withNegative() {
        long[][] map = disjointRanges();
        long[] entry = map[random.nextInt(map.length)];
        entry[random.nextInt(3)] = -random.nextLong(1, 1000);
        return map;
    }

    /** A number from 2^32 up: the kernel keeps only its low 32 bits. */
    private long[][] beyond32Bits() {
        long[][] map = random.nextBoolean() ? crowded() : disjointRanges();
        long[] entry = map[random.nextInt(map.length)];
        entry[random.nextInt(3)] += random.nextBoolean() ? U32 : U32 * random.nextLong(1, 1000);
        return map;
    }

    private long pick(long[] values) {
        return values[random.nextInt(values.length)];
    }

    private void shuffle(long[][] map) {
        for (int i = map.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long[] t = map[i];
            map[i] = map[j];
            map[j] = t;
        }
    }

    /** The map's text exactly as given, one {@code "a b c\n"} line per entry, negative numbers with their sign. */
    static byte[] text(long[][] map) {
        StringBuilder text = new StringBuilder();
        for (long[] e : map) {
            text.append(e[0]).append(' ').append(e[1]).append(' ').append(e[2]).append('\n');
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The entries as mappings, or {@code null} when one of them is not a valid {@link IdMapping}. */
    static List<IdMapping> mappings(long[][] map) {
        List<IdMapping> list = new ArrayList<>();
        for (long[] e : map) {
            if (!IdMapping.isValid(e[0], e[1], e[2])) {
                return null;
            }
            list.add(new IdMapping(e[0], e[1], e[2]));
        }
        return list;
    }

    static boolean beyond32Bits(long[][] map) {
        for (long[] e : map) {
            for (long v : e) {
                if (v >= U32) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasNegative(long[][] map) {
        for (long[] e : map) {
            for (long v : e) {
                if (v < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The map as the kernel reads it: every number cut to its low 32 bits. */
    static long[][] low32Bits(long[][] map) {
        long[][] cut = new long[map.length][];
        for (int i = 0; i < map.length; i++) {
            cut[i] = new long[] {map[i][0] & (U32 - 1), map[i][1] & (U32 - 1), map[i][2] & (U32 - 1)};
        }
        return cut;
    }
}
