package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Kafka broker and one PostgreSQL server per JVM for integration tests: started on first use,
 * before any Spring context, on free ports in a temporary directory, and stopped at JVM exit.
 * Each test isolates itself by project id or topic name rather than by restarting servers.
 */
public final class SharedInfrastructure {

    private static volatile SharedInfrastructure instance;

    private final KraftBroker kafka;
    private final PostgresServer postgres;
    private final Path root;

    private SharedInfrastructure(Path root) {
        this.root = root;
        this.postgres = PostgresServer.start(root.resolve("postgres"), 0);
        this.kafka = KraftBroker.start(root.resolve("kafka"), 0, 0);
    }

    public static SharedInfrastructure get() {
        SharedInfrastructure local = instance;
        if (local == null) {
            synchronized (SharedInfrastructure.class) {
                local = instance;
                if (local == null) {
                    try {
                        local = new SharedInfrastructure(Files.createTempDirectory("sluice-it-"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    SharedInfrastructure started = local;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "sluice-it-infra-stop"));
                    instance = local;
                }
            }
        }
        return local;
    }

    public KraftBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /** A fresh temporary directory under this JVM's infrastructure root. */
    public Path newDirectory(String name) {
        try {
            return Files.createTempDirectory(root, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stop() {
        kafka.close();
        postgres.close();
    }
}
