package dev.linx.user.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample: {@code GET /whoami} runs {@code id} as root inside a fresh user namespace, on a block of host ids of its
 * own (isolation), and the page at {@code /} draws where each run landed and lists the live workloads, which
 * {@code POST /sleep} adds one to for five seconds. Everything user-namespace related comes from linx-user's starter
 * and {@code application.yml} ({@link IsolationForThisUser} picks the pool for root); this class only starts Spring
 * Boot.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
