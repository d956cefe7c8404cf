package dev.linx.user.sample;

import java.io.IOException;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** HTTP for the sandbox: no request parameter reaches the command line. */
@RestController
final class WhoamiController {

    private final WhoamiSandbox sandbox;

    WhoamiController(WhoamiSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @GetMapping("/whoami")
    Whoami whoami() throws IOException, InterruptedException {
        return this.sandbox.run();
    }

    @GetMapping("/whoami/last")
    ResponseEntity<Whoami> last() {
        return ResponseEntity.of(this.sandbox.last());
    }

    /** The blocks of the recent isolated runs, oldest first: the page draws them on the host id axis. */
    @GetMapping("/whoami/recent")
    List<WhoamiSandbox.RecentRun> recent() {
        return this.sandbox.recent();
    }
}
