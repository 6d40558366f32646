package io.sluice.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from embedded binaries, with a database, user and password all named
 * {@code sluice} (local use only). Its data directory can be kept between runs.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    public static final String DATABASE = "sluice";
    public static final String USER = "sluice";
    public static final String PASSWORD = "sluice";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private PostgresServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts PostgreSQL on 127.0.0.1.
     *
     * @param dataDir where the cluster lives; reused if it already holds one
     * @param port    port, or 0 for a free one
     */
    public static PostgresServer start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir.getParent());
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // Our owner stops it last, after the apps drained; zonky's own hook would stop
                    // it at once on SIGTERM, in parallel with everything still writing.
                    .setRegisterShutdownHook(false)
                    .setPort(port == 0 ? KraftBroker.freePort() : port)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "on")
                    // zonky defaults to synchronous_commit=off; a committed row must be on disk.
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            PostgresServer server = new PostgresServer(pg, dataDir);
            server.ensureDatabase();
            log.info("PostgreSQL listening on 127.0.0.1:{}, database/user/password '{}', data in {}",
                    pg.getPort(), DATABASE, dataDir);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    private void ensureDatabase() {
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port() + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the sluice database", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** A new JDBC connection as the sluice user (for tests and local tooling). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    @Override
    public void close() {
        try {
            postgres.close();
            log.info("PostgreSQL on port {} stopped", port());
        } catch (IOException e) {
            log.warn("PostgreSQL did not stop cleanly", e);
        }
    }
}
