package io.sluice.scorer.storage;

import io.netty.buffer.Unpooled;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
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

    static final String CREATE_STAGING =
            "CREATE TEMP TABLE IF NOT EXISTS sluice_staging (LIKE events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS";
    private static final String COPY = "COPY sluice_staging (" + String.join(", ", COLUMNS) + ") FROM STDIN";
    private static final String COLS = String.join(", ", COLUMNS);
    /** The derived records read only these columns of the inserted rows: no user, location, tags or custom. */
    private static final String INSERTED = "event_id, occurred_at, received_at, project_id, app_id, platform, app_version,"
            + " session_id, type, payload, coalesce(device->>'os_version', payload->>'os_version') AS os_version";
    /** A crash ends its session unless it says {@code "fatal": false}. */
    private static final String FATAL_CRASH = "(type = 'crash' AND NOT (jsonb_typeof(payload->'fatal') = 'boolean'"
            + " AND NOT (payload->>'fatal')::boolean))";
    /** Ids derived from a client idempotency key (Ids.keyed): 'evt_Z…'. */
    private static final String KEYED = "substr(event_id, 5, 1) = 'Z'";

    /**
     * Moves staged rows into {@code events} and, from the rows actually inserted (never from
     * replays), derives signals, agent reports, session counts and daily rollups in the same
     * statement, so the rows never travel back to the scorer. Also derives the per-minute health
     * counters, crash signatures and per-app event-time progress that alert scoring reads. Session and rollup keys are upserted
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
            + " ON CONFLICT (event_id, occurred_at) DO NOTHING RETURNING " + INSERTED + "),"
            + " sig AS (INSERT INTO signals (signal_id, event_id, project_id, app_id, type, occurred_at, platform,"
            + "   app_version, os_version, session_id, name)"
            + "  SELECT 'sig_' || substring(event_id from position('_' in event_id) + 1), event_id, project_id, app_id,"
            + "   type, occurred_at, platform, app_version, os_version,"
            + "   session_id, CASE type WHEN 'crash' THEN payload->>'exception' WHEN 'network_error' THEN payload->>'endpoint'"
            + "   WHEN 'error' THEN payload->>'name' ELSE payload->>'screen' END"
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
            + " prior AS (SELECT project_id, session_id, crashed FROM sessions WHERE (project_id, session_id) IN"
            + "  (SELECT DISTINCT project_id, session_id FROM inserted WHERE session_id IS NOT NULL)),"
            + " ses AS (INSERT INTO sessions AS s (project_id, session_id, app_id, platform, app_version, first_seen,"
            + "   last_seen, events, crashed, started_at, ended_at, tool_uses, failed_tool_results, os_version)"
            + "  SELECT project_id, session_id, max(app_id), max(platform), max(app_version), min(occurred_at),"
            + "   max(occurred_at), count(*),"
            + "   coalesce(bool_or(" + FATAL_CRASH + "), false),"
            + "   min(occurred_at) FILTER (WHERE type = 'session_start'), max(occurred_at) FILTER (WHERE type = 'session_end'),"
            + "   count(*) FILTER (WHERE type = 'tool_use'),"
            + "   count(*) FILTER (WHERE type = 'tool_result' AND (payload->'is_error' = 'true'::jsonb"
            + "     OR payload->'success' = 'false'::jsonb"
            + "     OR (payload ? 'error' AND payload->'error' NOT IN ('null'::jsonb, 'false'::jsonb)))),"
            + "   max(os_version)"
            + "  FROM inserted WHERE session_id IS NOT NULL GROUP BY project_id, session_id ORDER BY project_id, session_id"
            + "  ON CONFLICT (project_id, session_id) DO UPDATE SET"
            + "   first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen),"
            + "   app_version = coalesce(EXCLUDED.app_version, s.app_version), events = s.events + EXCLUDED.events,"
            + "   crashed = s.crashed OR EXCLUDED.crashed, started_at = LEAST(s.started_at, EXCLUDED.started_at),"
            + "   ended_at = GREATEST(s.ended_at, EXCLUDED.ended_at), tool_uses = s.tool_uses + EXCLUDED.tool_uses,"
            + "   failed_tool_results = s.failed_tool_results + EXCLUDED.failed_tool_results,"
            + "   os_version = coalesce(s.os_version, EXCLUDED.os_version)"
            + "  RETURNING s.project_id, s.session_id, s.app_id, s.platform, s.os_version, s.app_version, s.first_seen,"
            + "   s.crashed, (s.xmax = 0) AS created),"
            + " crash_at AS (SELECT project_id, session_id, min(occurred_at) AS at FROM inserted WHERE " + FATAL_CRASH
            + "  AND session_id IS NOT NULL GROUP BY 1, 2),"
            // Health counters per minute: new sessions, sessions that turned crashed in this batch
            // (prior is the snapshot before this statement), and the events the patterns count.
            + " hm AS (INSERT INTO health_minutes AS h (project_id, app_id, minute, metric, platform, os_version,"
            + "   app_version, dim_key, count, sum_value)"
            + "  SELECT project_id, app_id, minute, metric, platform, os_version, app_version, dim_key, sum(n), sum(v) FROM ("
            + "   SELECT project_id, app_id, date_trunc('minute', first_seen) AS minute, 'session' AS metric,"
            + "    coalesce(platform, '') AS platform, coalesce(os_version, '') AS os_version,"
            + "    coalesce(app_version, '') AS app_version, '' AS dim_key, 1 AS n, 0::float8 AS v FROM ses WHERE created"
            + "   UNION ALL SELECT r.project_id, r.app_id, date_trunc('minute', c.at), 'crashed_session',"
            + "    coalesce(r.platform, ''), coalesce(r.os_version, ''), coalesce(r.app_version, ''), '', 1, 0"
            + "    FROM ses r JOIN crash_at c ON c.project_id = r.project_id AND c.session_id = r.session_id"
            + "    LEFT JOIN prior p ON p.project_id = r.project_id AND p.session_id = r.session_id"
            + "    WHERE r.crashed AND NOT coalesce(p.crashed, false)"
            + "   UNION ALL SELECT project_id, app_id, date_trunc('minute', occurred_at),"
            + "    CASE type WHEN 'page_hit' THEN 'screen_view' ELSE type END,"
            + "    coalesce(platform, ''), coalesce(os_version, ''), coalesce(app_version, ''),"
            + "    left(coalesce(CASE type WHEN 'network_error' THEN payload->>'endpoint' WHEN 'error' THEN payload->>'name'"
            + "     ELSE payload->>'screen' END, ''), 256), 1,"
            + "    CASE WHEN type = 'network_error' AND jsonb_typeof(payload->'latency_ms') = 'number'"
            + "     THEN (payload->>'latency_ms')::float8 ELSE 0 END"
            + "    FROM inserted WHERE type IN ('anr', 'network_error', 'slow_render', 'page_hit', 'error')"
            + "     OR (type = 'friction' AND coalesce(payload->>'signal', 'rage_tap') = 'rage_tap')"
            + "  ) AS m GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
            + "  ON CONFLICT (project_id, app_id, minute, metric, platform, os_version, app_version, dim_key) DO UPDATE"
            + "   SET count = h.count + EXCLUDED.count, sum_value = h.sum_value + EXCLUDED.sum_value),"
            + " sigs AS (INSERT INTO crash_signatures AS c (project_id, app_id, signature, exception, top_frame, first_seen,"
            + "   first_version, last_seen, occurrences)"
            // Grouped by the signature alone: two (exception, frame) pairs may spell the same one.
            + "  SELECT project_id, app_id, sig, min(exc), min(frame), min(occurred_at),"
            + "   (array_agg(app_version ORDER BY occurred_at))[1], max(occurred_at), count(*) FROM ("
            + "   SELECT project_id, app_id, occurred_at, app_version, exc, frame, left(exc || ' | ' || frame, 600) AS sig FROM ("
            + "    SELECT project_id, app_id, occurred_at, app_version, left(coalesce(payload->>'exception', 'unknown'), 256) AS exc,"
            + "     left(btrim(split_part(btrim(coalesce(payload->>'stack_trace', '')), E'\\n', 1)), 300) AS frame"
            + "     FROM inserted WHERE type = 'crash') AS c) AS x"
            + "  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            + "  ON CONFLICT (project_id, app_id, signature) DO UPDATE SET occurrences = c.occurrences + EXCLUDED.occurrences,"
            + "   first_seen = LEAST(c.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(c.last_seen, EXCLUDED.last_seen)),"
            // Event-time progress: future timestamps cannot push the watermark past arrival.
            + " prog AS (INSERT INTO scoring_state AS g (project_id, app_id, first_seen, watermark)"
            + "  SELECT project_id, app_id, min(occurred_at), max(LEAST(occurred_at, received_at)) FROM inserted"
            + "  GROUP BY 1, 2 ORDER BY 1, 2"
            + "  ON CONFLICT (project_id, app_id) DO UPDATE SET first_seen = LEAST(g.first_seen, EXCLUDED.first_seen),"
            + "   watermark = GREATEST(g.watermark, EXCLUDED.watermark)),"
            + " roll AS (INSERT INTO daily_rollups AS r (project_id, app_id, name, day, count, sum_value)"
            + "  SELECT project_id, app_id, payload->>'name', (occurred_at AT TIME ZONE 'UTC')::date, count(*),"
            + "   coalesce(sum(CASE WHEN jsonb_typeof(payload->'value') = 'number' THEN (payload->>'value')::float8 END), 0)"
            + "  FROM inserted WHERE type = 'event' AND jsonb_typeof(payload->'name') = 'string'"
            + "  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
            + "  ON CONFLICT (project_id, app_id, name, day) DO UPDATE SET count = r.count + EXCLUDED.count,"
            + "   sum_value = r.sum_value + EXCLUDED.sum_value)"
            + " SELECT count(*) FROM inserted";

    private final DatabaseClient db;

    public EventWriter(DatabaseClient db) {
        this.db = db;
    }

    /** A batch encoded for COPY (text format, {@link CopyRows}), ready to send. */
    public record Staged(int events, byte[] copyText) {
    }

    /**
     * Stores the events and what they derive; emits how many rows were actually inserted (a
     * replayed event is not).
     */
    public Mono<Integer> write(Staged staged) {
        if (staged.events() == 0) {
            return Mono.just(0);
        }
        return db.inConnection(connection -> {
            PostgresqlConnection pg = unwrap(connection);
            return Flux.from(pg.createStatement(CREATE_STAGING).execute()).concatMap(r -> r.getRowsUpdated())
                    // A fresh buffer per attempt: a retry must send the rows again from the start.
                    .then(Mono.defer(() -> pg.copyIn(COPY, Flux.just(Unpooled.wrappedBuffer(staged.copyText())))))
                    .then(Flux.from(pg.createStatement(MOVE).execute())
                            .concatMap(r -> r.map((row, meta) -> row.get(0, Long.class)))
                            .single())
                    .map(Long::intValue);
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
