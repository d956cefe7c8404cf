package dev.linx.user.sample;

import dev.linx.user.MapSetup;
import dev.linx.user.UserNamespaceLauncher;
import dev.linx.user.UserNamespaceOperations;
import dev.linx.user.UserNamespaces;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The sample: {@code GET /whoami} runs {@code id} as root inside a fresh user namespace, mapped to this application's
 * own unprivileged uid outside.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    @Bean
    UserNamespaceOperations userNamespaceOperations() {
        return UserNamespaces.operations();
    }

    @Bean
    UserNamespaceLauncher userNamespaceLauncher(UserNamespaceOperations operations) {
        return new UserNamespaceLauncher(operations, MapSetup.rootless());
    }
}
