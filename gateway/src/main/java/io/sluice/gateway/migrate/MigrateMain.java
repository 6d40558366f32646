package io.sluice.gateway.migrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Applies the Flyway migrations shipped in {@code sluice-common} and exits: the one place that
 * migrates the schema on Kubernetes (the {@code sluice-migrate} Job runs it; the apps start with
 * {@code spring.flyway.enabled=false}).
 *
 * <p>It reads {@code gateway.yml} and the environment exactly as the gateway does
 * ({@code SLUICE_DB_HOST}, {@code SLUICE_DB_PORT}, {@code SLUICE_DB_NAME}, {@code SLUICE_DB_USER},
 * {@code SLUICE_DB_PASSWORD}, or a full {@code SPRING_FLYWAY_URL}), but starts nothing except
 * Flyway: no web server, no Kafka, no R2DBC pool. {@code spring.flyway.enabled} is forced on, so it
 * may share the apps' ConfigMap, which turns Flyway off for them.
 *
 * <p>With {@value #AWAIT} it migrates nothing: it waits until every migration this version ships
 * has been applied (by the Job), then exits 0. The apps' init containers run it that way, so a pod
 * of a new version never starts against an older schema, and many pods starting together never
 * race to migrate.
 *
 * <p>Exit code 0 once the schema is current, 1 if a migration failed.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration(FlywayAutoConfiguration.class)
public class MigrateMain {

    /** Wait for the schema instead of migrating it. */
    public static final String AWAIT = "--await";

    private static final Logger log = LoggerFactory.getLogger(MigrateMain.class);
    private static final Duration AWAIT_INTERVAL = Duration.ofSeconds(2);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Migrates (or awaits) and returns the process exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        // Command-line arguments outrank the environment: SPRING_FLYWAY_ENABLED=false is for the apps.
        all.removeIf(a -> a.startsWith("--spring.flyway.enabled="));
        all.add("--spring.flyway.enabled=true");
        all.add("--spring.application.name=sluice-migrate");
        try {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(MigrateMain.class)
                    .properties("spring.config.name=gateway")
                    .web(WebApplicationType.NONE)
                    .registerShutdownHook(false)
                    .run(all.toArray(String[]::new));
            return SpringApplication.exit(context);
        } catch (RuntimeException e) {
            // SpringApplication has logged the cause already.
            return 1;
        }
    }

    @Bean
    FlywayMigrationStrategy migrationStrategy(ApplicationArguments arguments) {
        boolean await = arguments.containsOption(AWAIT.substring(2));
        return flyway -> {
            if (await) {
                awaitCurrent(flyway);
            } else {
                flyway.migrate();
            }
        };
    }

    /** Returns once no migration of this version is pending; retries while PostgreSQL is unreachable. */
    static void awaitCurrent(Flyway flyway) {
        while (true) {
            try {
                MigrationInfo[] pending = flyway.info().pending();
                if (pending.length == 0) {
                    MigrationInfo current = flyway.info().current();
                    log.info("schema is current (version {})", current == null ? "none" : current.getVersion());
                    return;
                }
                log.info("waiting for the migration Job: {} migration(s) pending, first {}", pending.length,
                        pending[0].getVersion());
            } catch (FlywayException e) {
                log.info("waiting for PostgreSQL: {}", e.getMessage());
            }
            try {
                Thread.sleep(AWAIT_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema", e);
            }
        }
    }
}
