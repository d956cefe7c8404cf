package dev.linx.user.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One cold start of a Spring Boot application without a web server, timed around {@code SpringApplication.run}:
 * prints {@code startup-ns <wall>} and {@code cpu-ns <main thread's CPU time>}. {@code benchmarks/run} starts it in
 * fresh JVMs, alternately with linx-user-spring-boot-starter on the classpath and without it, so that the difference
 * is the starter's whole cost at start-up: its jars, its auto-configurations and beans, its first system calls.
 *
 * <p>Start-up is single-threaded: the main thread's CPU time is the start-up's work without the time spent waiting
 * for a CPU, one source of the noise in the wall time on a shared machine. Arguments are passed to the
 * application (for example {@code --linx.user.enabled=false}).
 */
public final class StarterStartup {

    private StarterStartup() {
    }

    public static void main(String[] args) {
        List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--logging.level.root=warn"));
        arguments.addAll(List.of(args));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            .logStartupInfo(false)
            .run(arguments.toArray(String[]::new))) {
            long elapsed = System.nanoTime() - start;
            long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
            boolean starter = context.containsBean("userNamespaceLauncher");
            System.out.println("startup-ns " + elapsed + " starter " + starter);
            System.out.println("cpu-ns " + cpu);
        }
    }

    /** The application: Spring Boot's auto-configuration and nothing else. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
