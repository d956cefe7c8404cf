package dev.linx.user.sample;

import dev.linx.user.IdMapping;
import dev.linx.user.UserNamespaceLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Runs a fixed command, never one chosen by the caller, in a fresh user namespace. */
@RestController
class WhoamiController {

    private final UserNamespaceLauncher launcher;

    WhoamiController(UserNamespaceLauncher launcher) {
        this.launcher = launcher;
    }

    @GetMapping("/whoami")
    Whoami whoami() throws IOException, InterruptedException {
        Process id = launcher.start(List.of("id"));
        String seen = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!id.waitFor(10, TimeUnit.SECONDS)) {
            id.destroyForcibly();
        }
        return new Whoami(seen, launcher.defaults().uid().getFirst().outside(), launcher.defaults().uid(),
                launcher.defaults().gid());
    }

    /**
     * What the workload saw and how it was mapped.
     *
     * @param workload what {@code id} printed inside
     * @param hostUid the host uid the workload really ran as
     * @param uidMap the uid map written at the checkpoint
     * @param gidMap the gid map written at the checkpoint
     */
    record Whoami(String workload, long hostUid, List<IdMapping> uidMap, List<IdMapping> gidMap) {
    }
}
