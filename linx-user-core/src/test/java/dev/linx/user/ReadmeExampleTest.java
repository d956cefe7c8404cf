package dev.linx.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's Java snippets, run as written; the first test fails when README and this file drift apart. */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path THIS_SOURCE = Path.of("src/test/java/dev/linx/user/ReadmeExampleTest.java");

    @AfterEach
    void nothingIsLeftBehind() {
        Kernel.assertNoChildLeft();
    }

    @Test
    void everyReadmeSnippetLineIsInThisTest() throws Exception {
        List<String> source = Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();
        List<String> snippets = DocSnippets.javaLines(Files.readAllLines(README));
        assertThat(snippets).isNotEmpty();
        assertThat(source).containsAll(snippets);
    }

    @Test
    void theRootlessFlowSnippetRuns() throws Exception {
        String printed = DocSnippets.capturingStdout(() -> {
            UserNamespaceOperations ops = UserNamespaces.operations();
            try (ParkedProcess child = ParkedProcess.start(List.of("id"), Set.of(Namespace.USER))) {
                ops.setupMaps(child.hostPid(), MapSetup.rootless());    // deny setgroups, 0 -> my euid, 0 -> my egid
                System.out.println(ops.readUidMap(child.hostPid()));     // [IdMapping<0 -> 1000>]
                Process id = child.proceed();                            // the workload's first instruction runs now
                System.out.print(new String(id.getInputStream().readAllBytes()));   // uid=0(root) gid=0(root) ...
                id.waitFor();
            }   // a child that never proceeded is killed and reaped here
        });
        long euid = MapSetup.rootless().uid().getFirst().outside();
        assertThat(printed).startsWith("[IdMapping<0 -> " + euid + ">]\n").contains("uid=0(root) gid=0(root)");
    }

    @Test
    void theLauncherSnippetRuns() throws Exception {
        Process id = new UserNamespaceLauncher(UserNamespaces.operations(), MapSetup.rootless()).start(List.of("id", "-u"));
        assertThat(Kernel.output(id)).isEqualTo("0\n");
    }
}
