package io.sluice.gateway.admin;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.sluice.gateway.admin.AdminRequests.KeyFields;
import io.sluice.gateway.admin.AdminRequests.ProjectFields;
import io.sluice.gateway.admin.AdminViews.KeyView;
import io.sluice.gateway.admin.AdminViews.ProjectView;
import io.sluice.gateway.admin.AdminViews.RateLimitView;
import io.sluice.gateway.admin.AdminViews.UsageView;
import io.sluice.gateway.error.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Projects and keys in PostgreSQL. Changes to either fire the {@code sluice_keys} notification
 * through table triggers, so every gateway's key cache drops them at once.
 */
@Repository
public class AdminRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PROJECT_COLUMNS =
            "id, name, plan, monthly_event_quota, allowed_app_ids, default_app_id, events_dialect, scoring, privacy, created_at, "
            + "updated_at";
    private static final String PROJECT_COLUMNS_QUALIFIED =
            "p." + String.join(", p.", PROJECT_COLUMNS.split(", "));
    private static final String KEY_COLUMNS =
            "id, project_id, name, key_prefix, scopes, rate_limit_per_minute, rate_limit_burst, created_at, revoked_at";

    private final DatabaseClient db;
    private final Clock clock;

    public AdminRepository(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Mono<ProjectView> createProject(String id, ProjectFields f) {
        GenericExecuteSpec spec = db.sql("INSERT INTO projects (id, name, plan, monthly_event_quota, allowed_app_ids, "
                + "default_app_id, events_dialect) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + PROJECT_COLUMNS)
                .bind(0, id)
                .bind(1, f.name().value())
                .bind(2, f.plan().present() ? f.plan().value() : "free");
        spec = f.quota().value() == null ? spec.bindNull(3, Long.class) : spec.bind(3, f.quota().value());
        spec = f.allowedAppIds().value() == null ? spec.bindNull(4, String[].class)
                : spec.bind(4, f.allowedAppIds().value().toArray(String[]::new));
        spec = spec.bind(5, f.defaultAppId().present() ? f.defaultAppId().value() : "default");
        spec = f.eventsDialect().value() == null ? spec.bindNull(6, String.class) : spec.bind(6, f.eventsDialect().value());
        return spec.map(row -> project(row)).one()
                .onErrorMap(DataIntegrityViolationException.class, e -> new ApiException(HttpStatus.CONFLICT,
                        "project_exists", "A project with id '" + id + "' exists already."));
    }

    public Flux<ProjectView> projects() {
        return db.sql("SELECT " + PROJECT_COLUMNS + " FROM projects ORDER BY created_at, id")
                .map(row -> project(row)).all();
    }

    public Mono<ProjectView> project(String id) {
        LocalDate month = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
        return db.sql("SELECT " + PROJECT_COLUMNS_QUALIFIED + ", u.events FROM projects p "
                        + "LEFT JOIN project_usage u ON u.project_id = p.id AND u.month = $2 WHERE p.id = $1")
                .bind(0, id).bind(1, month)
                .map(row -> {
                    ProjectView p = project(row);
                    Long events = row.get("events", Long.class);
                    return new ProjectView(p.id(), p.name(), p.plan(), p.monthlyEventQuota(), p.allowedAppIds(),
                            p.defaultAppId(), p.eventsDialect(), p.scoring(), p.privacy(), p.createdAt(), p.updatedAt(), new UsageView(month.toString().substring(0, 7),
                                    events == null ? 0 : events));
                })
                .one()
                .switchIfEmpty(Mono.error(notFound("project", id)));
    }

    public Mono<ProjectView> updateProject(String id, ProjectFields f) {
        List<Object> values = new ArrayList<>();
        StringBuilder set = new StringBuilder("updated_at = now()");
        if (f.name().present()) {
            set.append(", name = $").append(values.size() + 2);
            values.add(f.name().value());
        }
        if (f.plan().present()) {
            set.append(", plan = $").append(values.size() + 2);
            values.add(f.plan().value());
        }
        if (f.quota().present()) {
            set.append(", monthly_event_quota = $").append(values.size() + 2);
            values.add(f.quota().value() == null ? Long.class : f.quota().value());
        }
        if (f.allowedAppIds().present()) {
            set.append(", allowed_app_ids = $").append(values.size() + 2);
            values.add(f.allowedAppIds().value() == null ? String[].class
                    : f.allowedAppIds().value().toArray(String[]::new));
        }
        if (f.defaultAppId().present()) {
            set.append(", default_app_id = $").append(values.size() + 2);
            values.add(f.defaultAppId().value());
        }
        if (f.eventsDialect().present()) {
            set.append(", events_dialect = $").append(values.size() + 2);
            values.add(f.eventsDialect().value() == null ? String.class : f.eventsDialect().value());
        }
        if (f.privacy().present()) {
            set.append(", privacy = $").append(values.size() + 2);
            values.add(Json.of(f.privacy().value().toString()));
        }
        if (f.scoring().present()) {
            set.append(", scoring = $").append(values.size() + 2);
            values.add(Json.of(f.scoring().value().toString()));
        }
        GenericExecuteSpec spec = db.sql("UPDATE projects SET " + set + " WHERE id = $1 RETURNING " + PROJECT_COLUMNS)
                .bind(0, id);
        spec = bindFrom(spec, 1, values);
        return spec.map(row -> project(row)).one().switchIfEmpty(Mono.error(notFound("project", id)));
    }

    /** Personal-data fields seen per UTC day: {@code {day: {field: events}}}, days ascending. */
    public Mono<java.util.Map<String, java.util.Map<String, Long>>> piiAudit(String projectId, LocalDate from, LocalDate to) {
        return db.sql("SELECT day, field, events FROM pii_audit WHERE project_id = $1 AND day BETWEEN $2 AND $3 "
                        + "ORDER BY day, field")
                .bind(0, projectId).bind(1, from).bind(2, to)
                .map(row -> new Object[] {row.get("day", LocalDate.class).toString(), row.get("field", String.class),
                    row.get("events", Long.class)})
                .all()
                .collect(java.util.LinkedHashMap::new, (m, r) -> m.computeIfAbsent((String) r[0],
                        d -> new java.util.TreeMap<>()).put((String) r[1], (Long) r[2]));
    }

    public Mono<KeyView> createKey(String keyId, String projectId, KeyFields f, String hash, String prefix) {
        GenericExecuteSpec spec = db.sql("INSERT INTO api_keys (id, project_id, key_hash, key_prefix, name, scopes, "
                        + "rate_limit_per_minute, rate_limit_burst) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "
                        + KEY_COLUMNS)
                .bind(0, keyId).bind(1, projectId).bind(2, hash).bind(3, prefix);
        spec = f.name().value() == null ? spec.bindNull(4, String.class) : spec.bind(4, f.name().value());
        spec = spec.bind(5, f.scopes().value().toArray(String[]::new));
        if (f.rateLimit().value() == null) {
            spec = spec.bindNull(6, Integer.class).bindNull(7, Integer.class);
        } else {
            spec = spec.bind(6, f.rateLimit().value().eventsPerMinute()).bind(7, f.rateLimit().value().burst());
        }
        return spec.map(row -> key(row)).one()
                .onErrorMap(DataIntegrityViolationException.class, e -> notFound("project", projectId));
    }

    public Flux<KeyView> keys(String projectId) {
        return project(projectId).thenMany(db.sql("SELECT " + KEY_COLUMNS
                        + " FROM api_keys WHERE project_id = $1 ORDER BY created_at, id")
                .bind(0, projectId).map(row -> key(row)).all());
    }

    public Mono<KeyView> updateKey(String keyId, KeyFields f) {
        List<Object> values = new ArrayList<>();
        StringBuilder set = new StringBuilder("id = id");
        if (f.name().present()) {
            set.append(", name = $").append(values.size() + 2);
            values.add(f.name().value() == null ? String.class : f.name().value());
        }
        if (f.scopes().present()) {
            set.append(", scopes = $").append(values.size() + 2);
            values.add(f.scopes().value().toArray(String[]::new));
        }
        if (f.rateLimit().present()) {
            set.append(", rate_limit_per_minute = $").append(values.size() + 2);
            values.add(f.rateLimit().value() == null ? Integer.class : f.rateLimit().value().eventsPerMinute());
            set.append(", rate_limit_burst = $").append(values.size() + 2);
            values.add(f.rateLimit().value() == null ? Integer.class : f.rateLimit().value().burst());
        }
        GenericExecuteSpec spec = db.sql("UPDATE api_keys SET " + set + " WHERE id = $1 RETURNING " + KEY_COLUMNS)
                .bind(0, keyId);
        spec = bindFrom(spec, 1, values);
        return spec.map(row -> key(row)).one().switchIfEmpty(Mono.error(notFound("key", keyId)));
    }

    /** Revokes the key (idempotent: a second revoke keeps the first time). */
    public Mono<KeyView> revokeKey(String keyId) {
        return db.sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING " + KEY_COLUMNS)
                .bind(0, keyId).map(row -> key(row)).one()
                .switchIfEmpty(Mono.error(notFound("key", keyId)));
    }

    /** Binds values from {@code first} on; a {@code Class} stands for a null of that type. */
    private static GenericExecuteSpec bindFrom(GenericExecuteSpec spec, int first, List<Object> values) {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            spec = v instanceof Class<?> type ? spec.bindNull(first + i, type) : spec.bind(first + i, v);
        }
        return spec;
    }

    private static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, what + "_not_found", "No " + what + " with id '" + id + "'.");
    }

    private static ProjectView project(Readable row) {
        String[] apps = row.get("allowed_app_ids", String[].class);
        return new ProjectView(row.get("id", String.class), row.get("name", String.class), row.get("plan", String.class),
                row.get("monthly_event_quota", Long.class), apps == null ? null : Arrays.asList(apps),
                row.get("default_app_id", String.class), row.get("events_dialect", String.class),
                scoring(row.get("scoring", Json.class)), scoring(row.get("privacy", Json.class)), instant(row, "created_at"), instant(row, "updated_at"), null);
    }

    private static JsonNode scoring(Json json) {
        return json == null ? null : JSON.readTree(json.asString());
    }

    private static KeyView key(Readable row) {
        Integer perMinute = row.get("rate_limit_per_minute", Integer.class);
        Integer burst = row.get("rate_limit_burst", Integer.class);
        String[] scopes = row.get("scopes", String[].class);
        return new KeyView(row.get("id", String.class), row.get("project_id", String.class), row.get("name", String.class),
                row.get("key_prefix", String.class), scopes == null ? List.of() : Arrays.asList(scopes),
                perMinute == null || burst == null ? null : new RateLimitView(perMinute, burst),
                instant(row, "created_at"), instant(row, "revoked_at"));
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
