package dev.linx.user.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown page, for the tests that run or check the docs' examples. */
public final class MarkdownBlocks {

    private MarkdownBlocks() {
    }

    /** The bodies of the fenced blocks of one language in a Markdown file. */
    public static List<String> blocks(Path markdown, String language) throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("```")) {
                if (current != null) {
                    blocks.add(current.toString());
                    current = null;
                }
                else if (line.equals("```" + language)) {
                    current = new StringBuilder();
                }
            }
            else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** The non-blank lines of the blocks, stripped. */
    public static List<String> lines(List<String> blocks) {
        return blocks.stream().flatMap(String::lines).filter(l -> !l.isBlank()).map(String::strip).toList();
    }
}
