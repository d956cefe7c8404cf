package dev.linx.user.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample: {@code GET /whoami} runs {@code id} as root inside a fresh user namespace, mapped to this application's
 * own unprivileged uid outside. Everything user-namespace related comes from linx-user's starter and
 * {@code application.yml}; this class only starts Spring Boot.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
