package io.sluice.embedded;

import io.sluice.common.auth.ApiKeys;
import io.sluice.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * Schema and seed data for local and test databases, written with plain JDBC before any
 * application starts. Production databases are migrated by the apps (or a Job) and populated
 * through the admin API instead.
 */
public final class DevData {

    /** Every scope a key can hold. */
    public static final List<String> ALL_SCOPES = List.of("write:events", "read:alerts", "write:alerts");

    private DevData() {
    }

    /** Applies the migrations shipped in sluice-common ({@code classpath:db/migration}). */
    public static void migrate(PostgresServer postgres) {
        Flyway.configure()
                .dataSource(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** Creates the project if it does not exist (app ids unrestricted, no quota). */
    public static void ensureProject(Connection c, String projectId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, projectId);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    /**
     * Stores the hash of {@code key} for the project with the given scopes, unless a key with that
     * hash exists already. Returns the key's id.
     */
    public static String ensureKey(Connection c, String projectId, String key, List<String> scopes)
            throws SQLException {
        String hash = ApiKeys.hash(key);
        try (PreparedStatement find = c.prepareStatement("SELECT id FROM api_keys WHERE key_hash = ?")) {
            find.setString(1, hash);
            try (var rs = find.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        String id = Ids.next("key_", System.currentTimeMillis());
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_keys (id, project_id, key_hash, key_prefix, name, scopes) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, projectId);
            ps.setString(3, hash);
            ps.setString(4, ApiKeys.displayPrefix(key));
            ps.setString(5, "seeded");
            ps.setArray(6, c.createArrayOf("text", scopes.toArray()));
            ps.executeUpdate();
        }
        return id;
    }

    /** Marks the key revoked. */
    public static void revokeKey(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE api_keys SET revoked_at = now() WHERE key_hash = ? AND revoked_at IS NULL")) {
            ps.setString(1, ApiKeys.hash(key));
            ps.executeUpdate();
        }
    }
}
