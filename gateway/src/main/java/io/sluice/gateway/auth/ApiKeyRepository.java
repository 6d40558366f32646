package io.sluice.gateway.auth;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Reads API keys by hash from PostgreSQL (R2DBC, non-blocking). */
@Repository
public class ApiKeyRepository {

    private static final String FIND_BY_HASH = """
            SELECT k.id, k.project_id, k.key_hash, k.scopes, k.revoked_at, k.rate_limit_per_minute,
                   k.rate_limit_burst, p.allowed_app_ids, p.monthly_event_quota,
                   p.default_app_id, p.events_dialect, p.privacy, p.privacy_salt
            FROM api_keys k JOIN projects p ON p.id = k.project_id
            WHERE k.key_hash = $1""";

    private final DatabaseClient db;

    public ApiKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private static io.sluice.gateway.privacy.PrivacyPolicy privacy(io.r2dbc.postgresql.codec.Json json, String salt) {
        return json == null ? io.sluice.gateway.privacy.PrivacyPolicy.DEFAULT
                : io.sluice.gateway.privacy.PrivacyPolicy.parse(JSON.readTree(json.asString()), salt);
    }

    public Mono<ApiKeyRecord> findByHash(String keyHash) {
        return db.sql(FIND_BY_HASH)
                .bind(0, keyHash)
                .map((row, meta) -> {
                    String[] scopes = row.get("scopes", String[].class);
                    String[] allowed = row.get("allowed_app_ids", String[].class);
                    OffsetDateTime revoked = row.get("revoked_at", OffsetDateTime.class);
                    return new ApiKeyRecord(
                            row.get("id", String.class),
                            row.get("project_id", String.class),
                            row.get("key_hash", String.class),
                            scopes == null ? Set.of() : Set.of(scopes),
                            revoked == null ? null : revoked.toInstant(),
                            allowed == null ? null : List.copyOf(Arrays.asList(allowed)),
                            row.get("rate_limit_per_minute", Integer.class),
                            row.get("rate_limit_burst", Integer.class),
                            row.get("monthly_event_quota", Long.class),
                            row.get("default_app_id", String.class),
                            row.get("events_dialect", String.class),
                            privacy(row.get("privacy", io.r2dbc.postgresql.codec.Json.class),
                                    row.get("privacy_salt", String.class)));
                })
                .first();
    }
}
