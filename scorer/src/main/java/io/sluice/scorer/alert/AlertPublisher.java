package io.sluice.scorer.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import io.sluice.common.alert.Alert;
import io.sluice.common.alert.AlertChange;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the alert change log to Kafka in change-id order (a transactional outbox): one
 * replica at a time holds the cursor row, sends the next changes, waits for the acks, then moves
 * the cursor. A crash between send and cursor update re-sends those changes: consumers
 * de-duplicate by {@code change_id}.
 */
public class AlertPublisher {

    static final int BATCH = 500;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AlertSink sink;
    private final JsonMapper json;
    private final MeterRegistry meters;

    public AlertPublisher(DatabaseClient db, TransactionalOperator tx, AlertSink sink, JsonMapper json,
            MeterRegistry meters) {
        this.db = db;
        this.tx = tx;
        this.sink = sink;
        this.json = json;
        this.meters = meters;
    }

    /** Publishes the next batch of changes; emits how many. */
    public Mono<Integer> publishOnce() {
        Mono<Integer> work = db.sql("SELECT published_through FROM alert_outbox WHERE name = 'kafka' FOR UPDATE SKIP LOCKED")
                .map(row -> row.get(0, Long.class)).one()
                .flatMap(cursor -> db.sql("SELECT change_id, kind, changed_at, project_id, body FROM alert_changes "
                                + "WHERE change_id > $1 ORDER BY change_id LIMIT " + BATCH)
                        .bind(0, cursor)
                        .map(row -> {
                            JsonNode body = json.readTree(row.get("body", Json.class).asString());
                            return new AlertChange(row.get("change_id", Long.class), row.get("kind", String.class),
                                    AlertStore.instant(row, "changed_at"), row.get("project_id", String.class),
                                    json.treeToValue(body.get("alert"), Alert.class), body.get("report"));
                        })
                        .all().collectList()
                        .flatMap(changes -> changes.isEmpty() ? Mono.just(0)
                                : sink.send(changes)
                                        .then(db.sql("UPDATE alert_outbox SET published_through = $1 WHERE name = 'kafka'")
                                                .bind(0, changes.get(changes.size() - 1).changeId()).fetch().rowsUpdated())
                                        .doOnSuccess(n -> meters.counter("sluice_alert_changes_published").increment(changes.size()))
                                        .thenReturn(changes.size())));
        return tx.transactional(work).defaultIfEmpty(0);
    }
}
