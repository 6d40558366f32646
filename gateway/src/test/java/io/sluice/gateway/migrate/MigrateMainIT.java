package io.sluice.gateway.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes migration entry point: the Job's {@code MigrateMain} migrates an empty database
 * and is idempotent, the init containers' {@code MigrateMain --await} waits until the schema is
 * current, and a failure is exit code 1 (a failed Job, not a hang).
 */
class MigrateMainIT {

    @Test
    void migratesOnceAndAwaitReturnsOnlyWhenTheSchemaIsCurrent() throws Exception {
        PostgresServer postgres = SharedInfrastructure.get().postgres();
        String database = newDatabase(postgres);
        List<String> db = List.of("--sluice.db.host=127.0.0.1", "--sluice.db.port=" + postgres.port(),
                "--sluice.db.name=" + database);

        // What the apps' ConfigMap says (SPRING_FLYWAY_ENABLED=false) must not stop the Job.
        System.setProperty("spring.flyway.enabled", "false");
        try {
            CompletableFuture<Integer> awaiting = CompletableFuture.supplyAsync(
                    () -> MigrateMain.run(with(db, MigrateMain.AWAIT)));
            Thread.sleep(3000);
            assertThat(awaiting).as("--await returns before the schema exists").isNotDone();
            assertThat(tableCount(postgres, database)).as("--await never migrates").isZero();

            assertThat(MigrateMain.run(db.toArray(String[]::new))).isZero();
            assertThat(awaiting.get(30, TimeUnit.SECONDS)).isZero();
            int applied = appliedMigrations(postgres, database);
            assertThat(applied).isPositive();
            assertThat(tableCount(postgres, database)).isPositive();

            // A second run (every apply of the overlay after the Job was cleaned up) changes nothing.
            assertThat(MigrateMain.run(db.toArray(String[]::new))).isZero();
            assertThat(appliedMigrations(postgres, database)).isEqualTo(applied);
            assertThat(MigrateMain.run(with(db, MigrateMain.AWAIT))).isZero();
        } finally {
            System.clearProperty("spring.flyway.enabled");
        }
    }

    @Test
    void aDatabaseItCannotReachIsExitCodeOne() {
        // Nothing listens on port 1: the connection is refused at once (no connect retries by default).
        assertThat(MigrateMain.run("--sluice.db.host=127.0.0.1", "--sluice.db.port=1")).isEqualTo(1);
    }

    private static String[] with(List<String> args, String extra) {
        List<String> all = new ArrayList<>(args);
        all.add(extra);
        return all.toArray(String[]::new);
    }

    /** A new, empty database owned by the sluice user. */
    private static String newDatabase(PostgresServer postgres) throws SQLException {
        String name = "migrate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + PostgresServer.USER);
        }
        return name;
    }

    private static Connection connect(PostgresServer postgres, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database,
                PostgresServer.USER, PostgresServer.PASSWORD);
    }

    private static int tableCount(PostgresServer postgres, String database) throws SQLException {
        try (Connection c = connect(postgres, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                     + " AND table_name <> 'flyway_schema_history'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int appliedMigrations(PostgresServer postgres, String database) throws SQLException {
        try (Connection c = connect(postgres, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE success), count(*) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every applied migration succeeded").isEqualTo(rs.getInt(2));
            return rs.getInt(1);
        }
    }
}
