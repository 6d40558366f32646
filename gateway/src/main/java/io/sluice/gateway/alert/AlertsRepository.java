package io.sluice.gateway.alert;

import io.r2dbc.postgresql.codec.Json;
import io.sluice.common.alert.Alert;
import io.sluice.common.alert.AlertChange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import io.r2dbc.spi.ConnectionFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Alerts, signals and the alert change log as the gateway reads them, always within one project.
 * Manual acknowledge/resolve write to the same change log as the scorer (same advisory lock), so
 * stream clients see them in order.
 */
@Repository
public class AlertsRepository {

    /** Must equal the scorer's lock (AlertStore.CHANGE_LOCK): one lock orders every change-log writer. */
    static final long CHANGE_LOCK = 0x51_75_1C_E0_A1_E7L;

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    public AlertsRepository(DatabaseClient db, ConnectionFactory connectionFactory) {
        this.db = db;
        this.tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
    }

    /** One page of alerts plus the total number matching. */
    public record Page(List<Alert> alerts, long total, String nextCursor) {
    }

    public Mono<Page> list(String projectId, AlertQuery q) {
        StringBuilder where = new StringBuilder(" WHERE project_id = $1 AND status = $2 AND (triggered_at >= $3 OR updated_at >= $3)");
        List<Object> params = new ArrayList<>(List.of(projectId, q.status(), q.from().atOffset(ZoneOffset.UTC)));
        if (q.appId() != null) {
            params.add(q.appId());
            where.append(" AND app_id = $").append(params.size());
        }
        if (q.severity() != null) {
            params.add(q.severity());
            where.append(" AND severity = $").append(params.size());
        }
        String filter = where.toString();
        List<Object> pageParams = new ArrayList<>(params);
        StringBuilder page = new StringBuilder(filter);
        if (q.after() != null) {
            pageParams.add(q.after().triggeredAt().atOffset(ZoneOffset.UTC));
            pageParams.add(q.after().alertId());
            page.append(" AND (triggered_at, alert_id) < ($").append(pageParams.size() - 1).append(", $")
                    .append(pageParams.size()).append(")");
        }
        Mono<List<Alert>> rows = bind(db.sql("SELECT * FROM alerts" + page + " ORDER BY triggered_at DESC, alert_id DESC LIMIT "
                + (q.limit() + 1)), pageParams).map(AlertRows::alert).all().collectList();
        Mono<Long> total = bind(db.sql("SELECT count(*) FROM alerts" + filter), params).map(r -> r.get(0, Long.class)).one();
        return Mono.zip(rows, total).map(t -> {
            List<Alert> found = t.getT1();
            boolean more = found.size() > q.limit();
            List<Alert> shown = more ? found.subList(0, q.limit()) : found;
            String next = more ? AlertQuery.Cursor.encode(shown.get(shown.size() - 1)) : null;
            return new Page(shown, t.getT2(), next);
        });
    }

    public Mono<Alert> find(String projectId, String alertId) {
        return db.sql("SELECT * FROM alerts WHERE project_id = $1 AND alert_id = $2").bind(0, projectId).bind(1, alertId)
                .map(AlertRows::alert).one();
    }

    /** The alert's change log: its openings, updates, resolution and agent reports, oldest first. */
    public Flux<AlertChange> timeline(String projectId, String alertId) {
        return db.sql("SELECT * FROM alert_changes WHERE project_id = $1 AND alert_id = $2 ORDER BY change_id")
                .bind(0, projectId).bind(1, alertId).map(AlertRows::change).all();
    }

    public Flux<JsonNode> signalsById(String projectId, List<String> ids) {
        return db.sql("SELECT " + SignalsQuery.COLUMNS + " FROM signals WHERE project_id = $1 AND signal_id = ANY($2)"
                + " ORDER BY occurred_at DESC")
                .bind(0, projectId).bind(1, ids.toArray(String[]::new)).map(SignalsQuery::row).all();
    }

    public Flux<JsonNode> signals(String projectId, SignalsQuery q) {
        return q.run(db, projectId);
    }

    /**
     * Moves an alert by hand ({@code acknowledge}: open → acknowledged; {@code resolve}: → resolved)
     * and logs the change; emits the alert, unchanged if it already was in that state.
     */
    public Mono<Alert> move(String projectId, String alertId, String action, String keyId) {
        String sql = action.equals("acknowledge")
                ? "UPDATE alerts SET status = 'acknowledged', acknowledged_at = now(), updated_at = now() "
                        + "WHERE project_id = $1 AND alert_id = $2 AND status = 'open' RETURNING *"
                : "UPDATE alerts SET status = 'resolved', resolved_at = now(), updated_at = now(), resolution = $3 "
                        + "WHERE project_id = $1 AND alert_id = $2 AND status <> 'resolved' RETURNING *";
        ObjectNode resolution = AlertRows.JSON.createObjectNode().put("reason", "manual").put("key_id", keyId);
        GenericExecuteSpec spec = db.sql(sql).bind(0, projectId).bind(1, alertId);
        if (!action.equals("acknowledge")) {
            spec = spec.bind(2, Json.of(resolution.toString()));
        }
        String kind = action.equals("acknowledge") ? AlertChange.UPDATED : AlertChange.RESOLVED;
        // Change-log lock before the alert row, the order every writer uses (no deadlock cycle).
        Mono<Alert> work = lock().then(spec.map(AlertRows::alert).one()
                .flatMap(a -> append(projectId, kind, a).thenReturn(a))
                .switchIfEmpty(find(projectId, alertId)));
        return tx.transactional(work);
    }

    private Mono<Void> lock() {
        return db.sql("SELECT pg_advisory_xact_lock($1)").bind(0, CHANGE_LOCK).fetch().rowsUpdated().then();
    }

    private Mono<Long> append(String projectId, String kind, Alert alert) {
        ObjectNode body = AlertRows.JSON.createObjectNode();
        body.set("alert", AlertRows.JSON.valueToTree(alert));
        return db.sql("SELECT pg_advisory_xact_lock($1)").bind(0, CHANGE_LOCK).fetch().rowsUpdated()
                .then(db.sql("INSERT INTO alert_changes (alert_id, project_id, app_id, kind, body, changed_at) "
                                + "VALUES ($1, $2, $3, $4, $5, clock_timestamp()) RETURNING change_id")
                        .bind(0, alert.id()).bind(1, projectId).bind(2, alert.appId()).bind(3, kind)
                        .bind(4, Json.of(body.toString()))
                        .map(r -> r.get(0, Long.class)).one());
    }

    /** Changes of one project after {@code afterId}, up to {@code throughId}, in order. */
    public Flux<AlertChange> changes(String projectId, long afterId, long throughId) {
        return db.sql("SELECT * FROM alert_changes WHERE project_id = $1 AND change_id > $2 AND change_id <= $3 "
                        + "ORDER BY change_id")
                .bind(0, projectId).bind(1, afterId).bind(2, throughId).map(AlertRows::change).all();
    }

    /** The last change id before {@code at} (a resume by timestamp starts after it). */
    public Mono<Long> lastChangeBefore(Instant at) {
        return db.sql("SELECT coalesce(max(change_id), 0) FROM alert_changes WHERE changed_at < $1")
                .bind(0, at.atOffset(ZoneOffset.UTC)).map(r -> r.get(0, Long.class)).one();
    }

    private static GenericExecuteSpec bind(GenericExecuteSpec spec, List<Object> params) {
        for (int i = 0; i < params.size(); i++) {
            spec = spec.bind(i, params.get(i));
        }
        return spec;
    }
}
