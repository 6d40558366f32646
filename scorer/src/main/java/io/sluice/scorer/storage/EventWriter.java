package io.sluice.scorer.storage;

import io.r2dbc.postgresql.codec.Json;
import io.sluice.common.event.CanonicalEvent;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Writes canonical events to the {@code events} table with multi-row INSERTs. Idempotent: a row
 * whose (event_id, occurred_at) exists already is skipped, so replaying records after a crash
 * stores nothing twice.
 */
public class EventWriter {

    static final String[] COLUMNS = {"event_id", "occurred_at", "received_at", "project_id", "app_id",
        "platform", "app_version", "session_id", "type", "dialect", "request_id", "user_data", "device",
        "location", "payload", "tags", "custom"};

    private final DatabaseClient db;
    private final int maxRowsPerInsert;
    private final ConcurrentMap<Integer, String> statements = new ConcurrentHashMap<>();

    public EventWriter(DatabaseClient db, int maxRowsPerInsert) {
        this.db = db;
        this.maxRowsPerInsert = maxRowsPerInsert;
    }

    /**
     * Inserts the events in chunks; emits the ids of the rows actually inserted (new ones), so
     * records derived from them are derived once however often a batch is replayed.
     */
    public Flux<String> write(List<CanonicalEvent> events) {
        if (events.isEmpty()) {
            return Flux.empty();
        }
        int chunks = (events.size() + maxRowsPerInsert - 1) / maxRowsPerInsert;
        return Flux.range(0, chunks)
                .concatMap(i -> insert(events.subList(i * maxRowsPerInsert,
                        Math.min(events.size(), (i + 1) * maxRowsPerInsert))));
    }

    private Flux<String> insert(List<CanonicalEvent> rows) {
        GenericExecuteSpec spec = db.sql(statements.computeIfAbsent(rows.size(), EventWriter::insertSql));
        int p = 0;
        for (CanonicalEvent e : rows) {
            spec = spec.bind(p++, e.eventId())
                    .bind(p++, e.timestamp().atOffset(ZoneOffset.UTC))
                    .bind(p++, e.receivedAt().atOffset(ZoneOffset.UTC))
                    .bind(p++, e.projectId())
                    .bind(p++, e.appId());
            spec = text(spec, p++, e.platform());
            spec = text(spec, p++, e.appVersion());
            spec = text(spec, p++, e.sessionId());
            spec = spec.bind(p++, e.type());
            spec = text(spec, p++, e.dialect());
            spec = text(spec, p++, e.requestId());
            spec = json(spec, p++, e.user());
            spec = json(spec, p++, e.device());
            spec = json(spec, p++, e.location());
            spec = json(spec, p++, e.payload());
            spec = json(spec, p++, e.tags());
            spec = json(spec, p++, e.custom());
        }
        return spec.map(row -> row.get(0, String.class)).all();
    }

    private static GenericExecuteSpec text(GenericExecuteSpec spec, int index, String value) {
        return value == null ? spec.bindNull(index, String.class) : spec.bind(index, value);
    }

    private static GenericExecuteSpec json(GenericExecuteSpec spec, int index, JsonNode value) {
        return value == null ? spec.bindNull(index, Json.class) : spec.bind(index, Json.of(value.toString()));
    }

    static String insertSql(int rows) {
        StringBuilder sql = new StringBuilder(64 + rows * COLUMNS.length * 6)
                .append("INSERT INTO events (").append(String.join(", ", COLUMNS)).append(") VALUES ");
        int p = 1;
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < COLUMNS.length; c++) {
                sql.append(c == 0 ? "" : ", ").append('$').append(p++);
            }
            sql.append(')');
        }
        return sql.append(" ON CONFLICT (event_id, occurred_at) DO NOTHING RETURNING event_id").toString();
    }
}
