package io.sluice.scorer.alert;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.sluice.common.alert.Alert;
import io.sluice.common.alert.AlertChange;
import io.sluice.common.id.Ids;
import io.sluice.scorer.alert.Pattern.Dimension;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Alerts and their change log in PostgreSQL. Every change is appended to {@code alert_changes}
 * under a transaction-scoped advisory lock, so change ids become visible in increasing order.
 * Callers run these inside a transaction.
 */
public class AlertStore {

    /** Serializes change-log writers (any constant shared by all scorers). */
    static final long CHANGE_LOCK = 0x51_75_1C_E0_A1_E7L;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final int signalSample;

    public AlertStore(DatabaseClient db, JsonMapper json, int signalSample) {
        this.db = db;
        this.json = json;
        this.signalSample = signalSample;
    }

    public Flux<AlertDecider.Existing> unresolved(String projectId, String appId) {
        return db.sql("SELECT alert_id, pattern, dimension_kind, dimension_value, last_breach_at, severity, score, evidence "
                        + "FROM alerts WHERE project_id = $1 AND app_id = $2 AND status <> 'resolved' ORDER BY created_at")
                .bind(0, projectId).bind(1, appId)
                .map(row -> new AlertDecider.Existing(row.get("alert_id", String.class),
                        Pattern.byId(row.get("pattern", String.class)), dimension(row.get("dimension_kind", String.class)),
                        row.get("dimension_value", String.class), instant(row, "last_breach_at"),
                        row.get("severity", String.class), row.get("score", Double.class),
                        frozen(json.readTree(row.get("evidence", Json.class).asString()))))
                .all()
                .filter(e -> e.pattern() != null);
    }

    /** Alerts of the app resolved by hand at a scoring position after {@code windowStart}. */
    public Flux<AlertDecider.HandResolved> handResolved(String projectId, String appId, Instant windowStart) {
        return db.sql("SELECT pattern, dimension_kind, dimension_value, resolved_position FROM alerts "
                        + "WHERE project_id = $1 AND app_id = $2 AND status = 'resolved' AND resolved_position > $3")
                .bind(0, projectId).bind(1, appId).bind(2, utc(windowStart))
                .map(row -> new AlertDecider.HandResolved(Pattern.byId(row.get("pattern", String.class)),
                        dimension(row.get("dimension_kind", String.class)), row.get("dimension_value", String.class),
                        instant(row, "resolved_position")))
                .all()
                .filter(h -> h.pattern() != null);
    }

    /** Opens an alert unless one is already open for its key; emits the change. */
    public Mono<AlertChange> open(String projectId, String appId, Finding f, PatternSettings s) {
        return sample(projectId, appId, f).flatMap(signals -> {
            GenericExecuteSpec spec = db.sql("INSERT INTO alerts (alert_id, project_id, app_id, pattern, dimension_kind, "
                            + "dimension_value, signal_type, severity, status, title, description, recommended_action, score, "
                            + "signal_ids, evidence, triggered_at, last_breach_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                            + "'open', $9, $10, $11, $12, $13, $14, $15, $15) "
                            + "ON CONFLICT (project_id, app_id, pattern, dimension_kind, dimension_value) "
                            + "WHERE status <> 'resolved' DO NOTHING RETURNING *")
                    .bind(0, Ids.alert()).bind(1, projectId).bind(2, appId).bind(3, f.pattern().id())
                    .bind(4, f.dimension().id()).bind(5, f.value()).bind(6, f.pattern().signalType())
                    .bind(7, severity(f, s)).bind(8, AlertText.title(f)).bind(9, AlertText.description(f))
                    .bind(10, AlertText.recommendedAction(appId, f)).bind(11, score(f, s))
                    .bind(12, signals).bind(13, Json.of(evidence(f).toString()))
                    .bind(14, utc(f.windowEnd()));
            return spec.map(this::alert).one().flatMap(a -> append(projectId, AlertChange.OPENED, a, null));
        });
    }

    /**
     * Refreshes a breaching alert's numbers; a change is logged only when severity or score moved
     * materially (docs/scoring.md), so a steady incident does not flood the stream.
     */
    public Mono<AlertChange> update(String projectId, String appId, AlertDecider.Existing e, Finding f, PatternSettings s) {
        String severity = severity(f, s);
        double score = score(f, s);
        boolean material = !severity.equals(e.severity()) || Math.abs(score - e.score()) >= 0.05;
        // Score and severity stay at their last logged values until they move materially, so
        // slow drift is compared with what clients were last told, not with last minute's value.
        String shownSeverity = material ? severity : e.severity();
        double shownScore = material ? score : e.score();
        return sample(projectId, appId, f).flatMap(signals -> db.sql("UPDATE alerts SET severity = $2, score = $3, "
                        + "title = $4, description = $5, recommended_action = $6, signal_ids = $7, evidence = $8, "
                        + "last_breach_at = $9, updated_at = now() WHERE alert_id = $1 AND status <> 'resolved' RETURNING *")
                .bind(0, e.alertId()).bind(1, shownSeverity).bind(2, shownScore).bind(3, AlertText.title(f))
                .bind(4, AlertText.description(f)).bind(5, AlertText.recommendedAction(appId, f)).bind(6, signals)
                .bind(7, Json.of(evidence(f).toString())).bind(8, utc(f.windowEnd()))
                .map(this::alert).one()
                .flatMap(a -> material ? append(projectId, AlertChange.UPDATED, a, null) : Mono.empty()));
    }

    public Mono<AlertChange> resolve(String projectId, String alertId, ObjectNode resolution) {
        return db.sql("UPDATE alerts SET status = 'resolved', resolved_at = now(), resolution = $2, updated_at = now() "
                        + "WHERE alert_id = $1 AND status <> 'resolved' RETURNING *")
                .bind(0, alertId).bind(1, Json.of(resolution.toString()))
                .map(this::alert).one()
                .flatMap(a -> append(projectId, AlertChange.RESOLVED, a, null));
    }

    /** Applies an agent report's status to one alert, then logs the report itself. */
    public Flux<AlertChange> applyReport(String projectId, String alertId, String status, ObjectNode report) {
        Mono<Alert> changed;
        String kind;
        switch (status) {
            case "investigating", "working_on_it" -> {
                kind = AlertChange.UPDATED;
                changed = db.sql("UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), updated_at = now() "
                        + "WHERE alert_id = $1 AND status = 'open' RETURNING *").bind(0, alertId).map(this::alert).one();
            }
            case "fixed", "wont_fix" -> {
                kind = AlertChange.RESOLVED;
                ObjectNode resolution = report.deepCopy();
                resolution.put("reason", status);
                changed = db.sql("UPDATE alerts SET status = 'resolved', resolved_at = now(), resolution = $2, "
                                + "updated_at = now() WHERE alert_id = $1 AND status <> 'resolved' RETURNING *")
                        .bind(0, alertId).bind(1, Json.of(resolution.toString())).map(this::alert).one();
            }
            case "needs_human" -> {
                kind = AlertChange.UPDATED;
                changed = db.sql("UPDATE alerts SET needs_human = true, updated_at = now() "
                        + "WHERE alert_id = $1 AND NOT needs_human RETURNING *").bind(0, alertId).map(this::alert).one();
            }
            default -> {
                kind = null;
                changed = Mono.empty();
            }
        }
        Mono<AlertChange> statusChange = changed.flatMap(a -> append(projectId, kind, a, null));
        Mono<AlertChange> reportChange = current(alertId).flatMap(a -> append(projectId, AlertChange.AGENT_REPORT, a, report));
        return statusChange.concatWith(reportChange);
    }

    public Mono<Alert> current(String alertId) {
        return db.sql("SELECT * FROM alerts WHERE alert_id = $1").bind(0, alertId).map(this::alert).one();
    }

    /**
     * Takes the change-log lock for the rest of the transaction. Writers take it before touching
     * any alert row, so two writers never wait on each other in opposite order.
     */
    public Mono<Void> lockChangeLog() {
        return db.sql("SELECT pg_advisory_xact_lock($1)").bind(0, CHANGE_LOCK).fetch().rowsUpdated().then();
    }

    private Mono<AlertChange> append(String projectId, String kind, Alert alert, JsonNode report) {
        ObjectNode body = json.createObjectNode();
        body.set("alert", json.valueToTree(alert));
        if (report != null) {
            body.set("report", report);
        }
        return db.sql("SELECT pg_advisory_xact_lock($1)").bind(0, CHANGE_LOCK).fetch().rowsUpdated()
                .then(db.sql("INSERT INTO alert_changes (alert_id, project_id, app_id, kind, body, changed_at) "
                                + "VALUES ($1, $2, $3, $4, $5, clock_timestamp()) RETURNING change_id, changed_at")
                        .bind(0, alert.id()).bind(1, projectId).bind(2, alert.appId()).bind(3, kind)
                        .bind(4, Json.of(body.toString()))
                        .map(row -> new AlertChange(row.get("change_id", Long.class), kind, instant(row, "changed_at"),
                                projectId, alert, report))
                        .one());
    }

    private Mono<String[]> sample(String projectId, String appId, Finding f) {
        StringBuilder sql = new StringBuilder("SELECT signal_id FROM signals WHERE project_id = $1 AND app_id = $2 "
                + "AND type = $3 AND occurred_at >= $4 AND occurred_at < $5");
        String a = null;
        String b = null;
        switch (f.dimension()) {
            case PLATFORM -> {
                sql.append(" AND platform = $6");
                a = f.value();
            }
            case OS -> {
                int space = f.value().indexOf(' ');
                sql.append(" AND platform = $6 AND os_version = $7");
                a = f.value().substring(0, space);
                b = f.value().substring(space + 1);
            }
            case VERSION -> {
                sql.append(" AND app_version = $6");
                a = f.value();
            }
            case KEY -> {
                sql.append(" AND name = $6");
                a = f.value();
            }
            case SIGNATURE -> {
                sql.append(" AND name = $6");
                a = f.signature().exception();
            }
            default -> {
            }
        }
        sql.append(" ORDER BY occurred_at DESC LIMIT ").append(signalSample);
        Instant from = f.signature() != null ? f.signature().firstSeen() : f.windowStart();
        Instant to = f.windowEnd().plusSeconds(f.signature() != null ? 3600 : 0);
        GenericExecuteSpec spec = db.sql(sql.toString()).bind(0, projectId).bind(1, appId)
                .bind(2, f.pattern().signalType()).bind(3, utc(from)).bind(4, utc(to));
        if (a != null) {
            spec = spec.bind(5, a);
        }
        if (b != null) {
            spec = spec.bind(6, b);
        }
        return spec.map(row -> row.get(0, String.class)).all().collectList().map(l -> l.toArray(String[]::new));
    }

    private ObjectNode evidence(Finding f) {
        ObjectNode e = json.createObjectNode();
        e.put("window_start", f.windowStart().toString());
        e.put("window_end", f.windowEnd().toString());
        if (f.check() != null) {
            e.put("baseline_start", f.baselineStart().toString());
            e.put("baseline_end", f.baselineEnd().toString());
            e.put("baseline_scope", f.appBaseline() ? "app" : "dimension");
            e.put("window_count", f.check().windowCount());
            e.put("window_denominator", f.check().windowDenominator());
            e.put("baseline_count", f.baselineCount());
            e.put("baseline_denominator", f.baselineDenominator());
            e.put("ratio", Math.round(f.check().ratio() * 100) / 100.0);
            e.put("z", Math.round(f.check().z() * 100) / 100.0);
            e.put("p_value", f.check().pValue());
        } else {
            e.put("signature", f.signature().signature());
            e.put("occurrences", f.signature().occurrences());
            e.put("first_seen", f.signature().firstSeen().toString());
        }
        return e;
    }

    private static String severity(Finding f, PatternSettings s) {
        return f.check() == null ? "warning" : f.check().severity(s);
    }

    private static double score(Finding f, PatternSettings s) {
        if (f.check() == null) {
            // A new signature: confidence grows with occurrences (3 → 0.6, 10+ → 0.9).
            return Math.min(0.9, 0.45 + 0.05 * f.signature().occurrences());
        }
        return f.check().score(s);
    }

    Alert alert(Readable row) {
        String[] signals = row.get("signal_ids", String[].class);
        Json resolution = row.get("resolution", Json.class);
        String kind = row.get("dimension_kind", String.class);
        String value = row.get("dimension_value", String.class);
        return new Alert(row.get("alert_id", String.class), row.get("app_id", String.class),
                row.get("severity", String.class), row.get("status", String.class), row.get("title", String.class),
                row.get("description", String.class), signals == null ? List.of() : Arrays.asList(signals),
                instant(row, "triggered_at"), row.get("pattern", String.class),
                row.get("recommended_action", String.class), row.get("score", Double.class),
                "app".equals(kind) ? "app" : kind + "=" + value, Boolean.TRUE.equals(row.get("needs_human", Boolean.class)),
                instant(row, "updated_at"), instant(row, "acknowledged_at"), instant(row, "resolved_at"),
                resolution == null ? null : json.readTree(resolution.asString()));
    }

    private static AlertDecider.Frozen frozen(JsonNode evidence) {
        if (!evidence.has("baseline_count") || !evidence.has("baseline_end")) {
            return null;
        }
        return new AlertDecider.Frozen(evidence.get("baseline_count").longValue(),
                evidence.get("baseline_denominator").doubleValue(), Instant.parse(evidence.get("baseline_start").stringValue()),
                Instant.parse(evidence.get("baseline_end").stringValue()),
                "app".equals(evidence.path("baseline_scope").asString("")));
    }

    static Dimension dimension(String id) {
        for (Dimension d : Dimension.values()) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dimension " + id);
    }

    static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
