package dev.linx.user;

import java.util.SplittableRandom;

/** Random text for the parser fuzz tests: mostly the characters a map is made of, some of everything else. */
final class MapTextSamples {

    private static final String MAP_CHARS = "0123456789     \t\t::\n-\r";

    private MapTextSamples() {
    }

    /** Up to {@code max} characters, biased towards digits, blanks, colons and newlines. */
    static String noise(SplittableRandom random, int max) {
        int length = random.nextInt(0, max + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(8) == 0 ? (char) random.nextInt(0, 256)
                    : MAP_CHARS.charAt(random.nextInt(MAP_CHARS.length())));
        }
        return text.toString();
    }
}
