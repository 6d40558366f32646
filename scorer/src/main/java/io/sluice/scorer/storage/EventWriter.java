package io.sluice.scorer.storage;

import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import io.sluice.common.event.CanonicalEvent;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes canonical events to the {@code events} table: COPY into a per-session staging table, then
 * {@code INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING event_id}. Idempotent: an event whose
 * (event_id, occurred_at) exists already is skipped, so replaying records after a crash stores
 * nothing twice. Chosen over multi-row INSERTs by measurement (docs/benchmarks.md). Must run
 * inside a transaction (the staging rows are discarded at commit).
 */
public class EventWriter {

    static final String[] COLUMNS = {"event_id", "occurred_at", "received_at", "project_id", "app_id",
        "platform", "app_version", "session_id", "type", "dialect", "request_id", "user_data", "device",
        "location", "payload", "tags", "custom"};

    private static final String CREATE_STAGING =
            "CREATE TEMP TABLE IF NOT EXISTS sluice_staging (LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
    private static final String COPY = "COPY sluice_staging (" + String.join(", ", COLUMNS) + ") FROM STDIN";
    private static final String MOVE = "INSERT INTO events (" + String.join(", ", COLUMNS) + ") SELECT "
            + String.join(", ", COLUMNS) + " FROM sluice_staging ON CONFLICT (event_id, occurred_at) DO NOTHING "
            + "RETURNING event_id";

    private final DatabaseClient db;

    public EventWriter(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Stores the events; emits the ids of the rows actually inserted (new ones), so records derived
     * from them are derived once however often a batch is replayed.
     */
    public Flux<String> write(List<CanonicalEvent> events) {
        if (events.isEmpty()) {
            return Flux.empty();
        }
        return db.inConnectionMany(connection -> {
            PostgresqlConnection pg = unwrap(connection);
            return Flux.from(pg.createStatement(CREATE_STAGING).execute()).concatMap(r -> r.getRowsUpdated())
                    .then(Mono.defer(() -> pg.copyIn(COPY, Flux.just(Unpooled.wrappedBuffer(CopyText.rows(events))))))
                    .thenMany(Flux.from(pg.createStatement(MOVE).execute())
                            .concatMap(r -> r.map((row, meta) -> row.get(0, String.class))));
        });
    }

    private static PostgresqlConnection unwrap(Connection connection) {
        Object c = connection;
        while (!(c instanceof PostgresqlConnection) && c instanceof Wrapped<?> wrapped) {
            c = wrapped.unwrap();
        }
        if (!(c instanceof PostgresqlConnection pg)) {
            throw new IllegalStateException("the scorer needs r2dbc-postgresql, not " + connection.getClass());
        }
        return pg;
    }
}
