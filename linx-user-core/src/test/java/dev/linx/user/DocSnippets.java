package dev.linx.user;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the tests of documentation snippets share: the snippets' lines, and what a snippet prints. */
final class DocSnippets {

    private DocSnippets() {
    }

    /** A snippet as written in the docs, which may throw what the docs' code throws. */
    interface Snippet {
        void run() throws Exception;
    }

    /** The non-blank lines of every {@code ```java} block of a Markdown text, stripped. */
    static List<String> javaLines(List<String> markdown) {
        List<String> lines = new ArrayList<>();
        boolean inJava = false;
        for (String line : markdown) {
            if (line.startsWith("```")) {
                inJava = line.equals("```java");
            } else if (inJava && !line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    /** Runs the snippet and returns what it printed to {@code System.out}. */
    static String capturingStdout(Snippet snippet) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            snippet.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
