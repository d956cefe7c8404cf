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
 * prints {@code startup-ns <wall>}, {@code cpu-ns <main thread's CPU time>} and {@code process-cpu-ns <CPU time of
 * every thread>}. {@link StarterStartupPairs} starts it in fresh JVMs, with linx-user-spring-boot-starter on the
 * classpath and without it, so that the difference is the starter's whole cost at start-up: its jars, its
 * auto-configurations and beans, its first system calls.
 *
 * <p>Start-up runs on the main thread: its CPU time is the start-up path's work without the time spent waiting for a
 * CPU. The process's CPU time adds what the starter costs the other threads (the JIT compilers above all). Arguments
 * are passed to the application (for example {@code --linx.user.enabled=false}).
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
            System.out.println("process-cpu-ns " + processCpu());
        }
    }

    /** CPU time of every thread of this JVM so far: the start-up's whole work, background threads included. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    /** The application: Spring Boot's auto-configuration and nothing else. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }
}
