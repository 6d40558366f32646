package io.sluice.scorer.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.alert.AlertChange;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves alerts by the agent reports the scorer stored: {@code investigating} and
 * {@code working_on_it} acknowledge, {@code fixed} and {@code wont_fix} resolve (keeping root
 * cause, fix, next action and confidence), {@code needs_human} flags the alert for people. A report
 * reaches the alerts it names ({@code alert_ids}), the alerts whose signal sample holds one of its
 * {@code signal_ids}, and the unresolved alerts those signals belong to (same app, signal type and
 * dimension). Each report is applied once ({@code agent_reports.applied}), in arrival order.
 */
public class AgentReportApplier {

    private static final String TARGETS = """
            SELECT a.alert_id FROM alerts a
            WHERE a.project_id = $1 AND (a.alert_id = ANY($2) OR a.signal_ids && $3
              OR (a.status <> 'resolved' AND EXISTS (
                SELECT 1 FROM signals s WHERE s.signal_id = ANY($3) AND s.project_id = a.project_id
                  AND s.app_id = a.app_id AND s.type = a.signal_type
                  AND CASE a.dimension_kind WHEN 'app' THEN true
                        WHEN 'platform' THEN s.platform = a.dimension_value
                        WHEN 'os' THEN s.platform || ' ' || s.os_version = a.dimension_value
                        WHEN 'app_version' THEN s.app_version = a.dimension_value
                        WHEN 'key' THEN s.name = a.dimension_value
                        ELSE false END)))
            ORDER BY a.created_at""";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AlertStore store;
    private final JsonMapper json;
    private final MeterRegistry meters;

    public AgentReportApplier(DatabaseClient db, TransactionalOperator tx, AlertStore store, JsonMapper json,
            MeterRegistry meters) {
        this.db = db;
        this.tx = tx;
        this.store = store;
        this.json = json;
        this.meters = meters;
    }

    /** Applies up to 100 pending reports; emits how many. */
    public Mono<Integer> applyPending() {
        // Change-log lock first (see AlertStore.lockChangeLog), then the reports and alert rows.
        Mono<Integer> work = store.lockChangeLog().then(db.sql("SELECT report_id, project_id, app_id, agent_id, status, summary, signal_ids, alert_ids, "
                        + "root_cause, fix_applied, next_action, confidence, occurred_at FROM agent_reports WHERE NOT applied "
                        + "ORDER BY received_at, occurred_at, report_id LIMIT 100 FOR UPDATE SKIP LOCKED")
                .map(row -> {
                    ObjectNode r = json.createObjectNode();
                    r.put("report_id", row.get("report_id", String.class));
                    r.put("agent_id", row.get("agent_id", String.class));
                    r.put("status", row.get("status", String.class));
                    r.put("summary", row.get("summary", String.class));
                    putIfPresent(r, "root_cause", row.get("root_cause", String.class));
                    putIfPresent(r, "fix_applied", row.get("fix_applied", String.class));
                    putIfPresent(r, "next_action", row.get("next_action", String.class));
                    Double confidence = row.get("confidence", Double.class);
                    if (confidence != null) {
                        r.put("confidence", confidence);
                    }
                    r.set("signal_ids", array(row.get("signal_ids", String[].class)));
                    r.set("alert_ids", array(row.get("alert_ids", String[].class)));
                    r.put("occurred_at", AlertStore.instant(row, "occurred_at").toString());
                    return new Pending(row.get("project_id", String.class), r,
                            row.get("alert_ids", String[].class), row.get("signal_ids", String[].class));
                })
                .all()
                .concatMap(p -> apply(p).then(db.sql("UPDATE agent_reports SET applied = true WHERE report_id = $1")
                        .bind(0, p.report().get("report_id").stringValue()).fetch().rowsUpdated()))
                .count()
                .map(Long::intValue));
        return tx.transactional(work).defaultIfEmpty(0);
    }

    private record Pending(String projectId, ObjectNode report, String[] alertIds, String[] signalIds) {
    }

    private Flux<AlertChange> apply(Pending p) {
        String status = p.report().get("status").stringValue();
        meters.counter("sluice_agent_reports_applied", "status", status).increment();
        return db.sql(TARGETS).bind(0, p.projectId()).bind(1, p.alertIds()).bind(2, p.signalIds())
                .map(row -> row.get(0, String.class)).all()
                .distinct()
                .concatMap(alertId -> store.applyReport(p.projectId(), alertId, status, p.report()));
    }

    private ArrayNode array(String[] values) {
        ArrayNode a = json.createArrayNode();
        for (String v : values == null ? new String[0] : values) {
            a.add(v);
        }
        return a;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
