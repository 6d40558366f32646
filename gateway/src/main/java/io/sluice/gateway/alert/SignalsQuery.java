package io.sluice.gateway.alert;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/signals}: filters {@code type}, {@code app_id}, {@code app_version},
 * {@code os_version}, {@code platform}, {@code name} (exception, screen, endpoint or CanaryHub
 * name), {@code from} (default -24h), {@code limit} (default 50, at most 500); newest first. Every
 * alert's {@code recommended_action} is such a query.
 */
public record SignalsQuery(String type, String appId, String appVersion, String osVersion, String platform, String name,
        Instant from, int limit) {

    static final Set<String> TYPES = Set.of("crash", "anr", "network_error", "slow_render", "friction", "error");
    static final int MAX_LIMIT = 500;

    public static SignalsQuery parse(String type, String appId, String appVersion, String osVersion, String platform,
            String name, String from, String limit, Clock clock) {
        if (type != null && !TYPES.contains(type)) {
            throw AlertQuery.bad("type", "type must be one of " + String.join(", ", TYPES.stream().sorted().toList())
                    + ", not '" + type + "'.");
        }
        for (String[] p : new String[][] {{"app_id", appId}, {"app_version", appVersion}, {"os_version", osVersion},
            {"platform", platform}, {"name", name}}) {
            if (p[1] != null && (p[1].isEmpty() || p[1].length() > 600)) {
                throw AlertQuery.bad(p[0], p[0] + " must be 1 to 600 characters.");
            }
        }
        Instant since = from == null ? clock.instant().minus(Duration.ofHours(24)) : AlertQuery.time("from", from, clock);
        return new SignalsQuery(type, appId, appVersion, osVersion, platform, name, since,
                AlertQuery.limit(limit, 50, MAX_LIMIT));
    }

    /**
     * The columns {@link #row} reads. A signal's payload is its event's (the scorer does not copy
     * it, see migration V10): read from the event row by its primary key. Rows
     * written before V10 carry their own, and a signal whose event partition retention already
     * dropped shows an empty payload.
     */
    static final String COLUMNS = "signal_id, type, app_id, occurred_at, platform, app_version, os_version, session_id,"
            + " name, event_id, coalesce(payload, (SELECT e.payload FROM events e WHERE e.event_id = signals.event_id"
            + " AND e.occurred_at = signals.occurred_at), '{}'::jsonb) AS payload";

    Flux<JsonNode> run(DatabaseClient db, String projectId) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM signals WHERE project_id = $1 AND occurred_at >= $2");
        List<Object> params = new ArrayList<>(List.of(projectId, from.atOffset(ZoneOffset.UTC)));
        add(sql, params, "type", type);
        add(sql, params, "app_id", appId);
        add(sql, params, "app_version", appVersion);
        add(sql, params, "os_version", osVersion);
        add(sql, params, "platform", platform);
        add(sql, params, "name", name);
        sql.append(" ORDER BY occurred_at DESC, signal_id DESC LIMIT ").append(limit);
        GenericExecuteSpec spec = db.sql(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            spec = spec.bind(i, params.get(i));
        }
        return spec.map(SignalsQuery::row).all();
    }

    private static void add(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null) {
            params.add(value);
            sql.append(" AND ").append(column).append(" = $").append(params.size());
        }
    }

    /** A signal as the API shows it. */
    static JsonNode row(Readable row) {
        ObjectNode s = AlertRows.JSON.createObjectNode();
        s.put("id", row.get("signal_id", String.class));
        s.put("type", row.get("type", String.class));
        s.put("app_id", row.get("app_id", String.class));
        s.put("occurred_at", AlertRows.instant(row, "occurred_at").toString());
        s.put("platform", row.get("platform", String.class));
        s.put("app_version", row.get("app_version", String.class));
        s.put("os_version", row.get("os_version", String.class));
        s.put("session_id", row.get("session_id", String.class));
        s.put("name", row.get("name", String.class));
        s.put("event_id", row.get("event_id", String.class));
        s.set("payload", AlertRows.JSON.readTree(row.get("payload", Json.class).asString()));
        return s;
    }
}
