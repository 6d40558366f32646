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
 * Writes canonical events: COPY into a per-session staging table, then one statement that inserts
 * them into {@code events} ({@code ON CONFLICT DO NOTHING}) and derives signals, agent reports,
 * sessions and rollups from the rows it inserted. Idempotent: replaying records after a crash
 * stores and derives nothing twice, and an event whose id comes from a client idempotency key is
 * stored only if that key is new ({@code event_keys}), whatever its event time. Chosen by measurement (docs/benchmarks.md). Must run inside
 * a transaction (the staging rows are discarded at commit).
 */
public class EventWriter {

    static final String[] COLUMNS = {"event_id", "occurred_at", "received_at", "project_id", "app_id",
        "platform", "app_version", "session_id", "type", "dialect", "request_id", "user_data", "device",
        "location", "payload", "tags", "custom"};

    private static final String CREATE_STAGING =
            "CREATE TEMP TABLE IF NOT EXISTS sluice_staging (LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
    private static final String COPY = "COPY sluice_staging (" + String.join(", ", COLUMNS) + ") FROM STDIN";
    private static final String COLS = String.join(", ", COLUMNS);
    /** Ids derived from a client idempotency key (Ids.keyed): 'evt_Z…'. */
    private static final String KEYED = "substr(event_id, 5, 1) = 'Z'";

    /**
     * Moves staged rows into {@code events} and, from the rows actually inserted (never from
     * replays), derives signals, agent reports, session counts and daily rollups in the same
     * statement, so the rows never travel back to the scorer. Session and rollup keys are upserted
     * in sorted order, so concurrent scorers cannot deadlock.
     */
    static final String MOVE = "WITH claimed AS ("
            + " INSERT INTO event_keys (event_id, project_id, first_seen)"
            + "  SELECT DISTINCT ON (event_id) event_id, project_id, received_at FROM sluice_staging"
            + "  WHERE " + KEYED + " ORDER BY event_id, received_at ON CONFLICT (event_id) DO NOTHING RETURNING event_id),"
            + " inserted AS ("
            + " INSERT INTO events (" + COLS + ") SELECT " + COLS + " FROM sluice_staging WHERE NOT " + KEYED
            + "  UNION ALL (SELECT DISTINCT ON (event_id) " + COLS + " FROM sluice_staging"
            + "   WHERE event_id IN (SELECT event_id FROM claimed) ORDER BY event_id, received_at)"
            + " ON CONFLICT (event_id, occurred_at) DO NOTHING RETURNING *),"
            + " sig AS (INSERT INTO signals (signal_id, event_id, project_id, app_id, type, occurred_at, platform,"
            + "   app_version, os_version, session_id, name, payload)"
            + "  SELECT 'sig_' || substring(event_id from position('_' in event_id) + 1), event_id, project_id, app_id,"
            + "   type, occurred_at, platform, app_version, coalesce(device->>'os_version', payload->>'os_version'),"
            + "   session_id, CASE type WHEN 'crash' THEN payload->>'exception' WHEN 'network_error' THEN payload->>'endpoint'"
            + "   WHEN 'error' THEN payload->>'name' ELSE payload->>'screen' END, payload"
            + "  FROM inserted WHERE type IN ('crash', 'anr', 'network_error', 'slow_render', 'friction', 'error')"
            + "  ON CONFLICT (signal_id) DO NOTHING),"
            + " rep AS (INSERT INTO agent_reports (report_id, project_id, app_id, agent_id, status, summary, signal_ids,"
            + "   alert_ids, root_cause, fix_applied, next_action, confidence, occurred_at, received_at)"
            + "  SELECT event_id, project_id, app_id, coalesce(payload->>'agent_id', 'unknown'),"
            + "   coalesce(payload->>'status', 'unknown'), coalesce(payload->>'summary', ''),"
            + "   ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(payload->'signal_ids') = 'array'"
            + "     THEN payload->'signal_ids' ELSE '[]'::jsonb END)),"
            + "   ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(payload->'alert_ids') = 'array'"
            + "     THEN payload->'alert_ids' ELSE '[]'::jsonb END)),"
            + "   payload->>'root_cause', payload->>'fix_applied', payload->>'next_action',"
            + "   CASE WHEN jsonb_typeof(payload->'confidence') = 'number' THEN (payload->>'confidence')::float8 END,"
            + "   occurred_at, received_at"
            + "  FROM inserted WHERE type = 'agent_report' ON CONFLICT (report_id) DO NOTHING),"
            + " ses AS (INSERT INTO sessions AS s (project_id, session_id, app_id, platform, app_version, first_seen,"
            + "   last_seen, events, crashed, started_at, ended_at, tool_uses, failed_tool_results)"
            + "  SELECT project_id, session_id, max(app_id), max(platform), max(app_version), min(occurred_at),"
            + "   max(occurred_at), count(*),"
            + "   coalesce(bool_or(type = 'crash' AND NOT (jsonb_typeof(payload->'fatal') = 'boolean'"
            + "     AND NOT (payload->>'fatal')::boolean)), false),"
            + "   min(occurred_at) FILTER (WHERE type = 'session_start'), max(occurred_at) FILTER (WHERE type = 'session_end'),"
            + "   count(*) FILTER (WHERE type = 'tool_use'),"
            + "   count(*) FILTER (WHERE type = 'tool_result' AND (payload->'is_error' = 'true'::jsonb"
            + "     OR payload->'success' = 'false'::jsonb"
            + "     OR (payload ? 'error' AND payload->'error' NOT IN ('null'::jsonb, 'false'::jsonb))))"
            + "  FROM inserted WHERE session_id IS NOT NULL GROUP BY project_id, session_id ORDER BY project_id, session_id"
            + "  ON CONFLICT (project_id, session_id) DO UPDATE SET"
            + "   first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen),"
            + "   app_version = coalesce(EXCLUDED.app_version, s.app_version), events = s.events + EXCLUDED.events,"
            + "   crashed = s.crashed OR EXCLUDED.crashed, started_at = LEAST(s.started_at, EXCLUDED.started_at),"
            + "   ended_at = GREATEST(s.ended_at, EXCLUDED.ended_at), tool_uses = s.tool_uses + EXCLUDED.tool_uses,"
            + "   failed_tool_results = s.failed_tool_results + EXCLUDED.failed_tool_results),"
            + " roll AS (INSERT INTO daily_rollups AS r (project_id, app_id, name, day, count, sum_value)"
            + "  SELECT project_id, app_id, payload->>'name', (occurred_at AT TIME ZONE 'UTC')::date, count(*),"
            + "   coalesce(sum(CASE WHEN jsonb_typeof(payload->'value') = 'number' THEN (payload->>'value')::float8 END), 0)"
            + "  FROM inserted WHERE type = 'event' AND jsonb_typeof(payload->'name') = 'string'"
            + "  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            + "  ON CONFLICT (project_id, app_id, name, day) DO UPDATE SET count = r.count + EXCLUDED.count,"
            + "   sum_value = r.sum_value + EXCLUDED.sum_value)"
            + " SELECT event_id FROM inserted";

    private final DatabaseClient db;

    public EventWriter(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Stores the events and what they derive; emits the ids of the rows actually inserted.
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
