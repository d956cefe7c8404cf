package dev.linx.user.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One cold start of a minimal Spring Boot application (actuator, no web server), timed around
 * {@code SpringApplication.run}: prints {@code startup-ns <n>}. {@code benchmarks/run} starts it in fresh JVMs,
 * alternately with linx-user-spring-boot-starter on the classpath and without it, so that the difference is the
 * starter's whole cost at start-up, including its first system calls (the FFM linker's bootstrap).
 */
public final class StarterStartup {

    private StarterStartup() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            .logStartupInfo(false)
            .run("--spring.main.banner-mode=off", "--logging.level.root=warn")) {
            long elapsed = System.nanoTime() - start;
            boolean starter = context.containsBean("userNamespaceLauncher");
            System.out.println("startup-ns " + elapsed + " starter " + starter);
        }
    }

    /** The application: Spring Boot's auto-configuration and nothing else. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
