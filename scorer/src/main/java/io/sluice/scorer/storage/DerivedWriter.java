package io.sluice.scorer.storage;

import static io.sluice.scorer.storage.MultiRowSql.nullable;

import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** Stores {@link DerivedRecords}: inserts signals and reports, adds to sessions and rollups. */
public class DerivedWriter {

    private static final int CHUNK = 500;
    private final DatabaseClient db;

    public DerivedWriter(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> write(DerivedRecords d) {
        return signals(d).then(reports(d)).then(sessions(d)).then(rollups(d));
    }

    private Mono<Void> signals(DerivedRecords d) {
        return MultiRowSql.execute(db, "INSERT INTO signals (signal_id, event_id, project_id, app_id, type, occurred_at, "
                        + "platform, app_version, os_version, session_id, name, payload)",
                "ON CONFLICT (signal_id) DO NOTHING", 12, d.signals(), CHUNK, (spec, i, s) -> {
                    var e = s.event();
                    spec = spec.bind(i, s.signalId()).bind(i + 1, e.eventId()).bind(i + 2, e.projectId())
                            .bind(i + 3, e.appId()).bind(i + 4, e.type()).bind(i + 5, at(e.timestamp()));
                    spec = nullable(spec, i + 6, e.platform(), String.class);
                    spec = nullable(spec, i + 7, e.appVersion(), String.class);
                    spec = nullable(spec, i + 8, s.osVersion(), String.class);
                    spec = nullable(spec, i + 9, e.sessionId(), String.class);
                    spec = nullable(spec, i + 10, s.name(), String.class);
                    return spec.bind(i + 11, Json.of(e.payload().toString()));
                });
    }

    private Mono<Void> reports(DerivedRecords d) {
        return MultiRowSql.execute(db, "INSERT INTO agent_reports (report_id, project_id, app_id, agent_id, status, "
                        + "summary, signal_ids, alert_ids, root_cause, fix_applied, next_action, confidence, occurred_at, "
                        + "received_at)",
                "ON CONFLICT (report_id) DO NOTHING", 14, d.reports(), CHUNK, (spec, i, r) -> {
                    var e = r.event();
                    spec = spec.bind(i, e.eventId()).bind(i + 1, e.projectId()).bind(i + 2, e.appId())
                            .bind(i + 3, r.agentId()).bind(i + 4, r.status()).bind(i + 5, r.summary())
                            .bind(i + 6, r.signalIds().toArray(String[]::new))
                            .bind(i + 7, r.alertIds().toArray(String[]::new));
                    spec = nullable(spec, i + 8, r.rootCause(), String.class);
                    spec = nullable(spec, i + 9, r.fixApplied(), String.class);
                    spec = nullable(spec, i + 10, r.nextAction(), String.class);
                    spec = nullable(spec, i + 11, r.confidence(), Double.class);
                    return spec.bind(i + 12, at(e.timestamp())).bind(i + 13, at(e.receivedAt()));
                });
    }

    private Mono<Void> sessions(DerivedRecords d) {
        return MultiRowSql.execute(db, "INSERT INTO sessions AS s (project_id, session_id, app_id, platform, app_version, "
                        + "first_seen, last_seen, events, crashed, started_at, ended_at, tool_uses, failed_tool_results)",
                "ON CONFLICT (project_id, session_id) DO UPDATE SET "
                        + "first_seen = LEAST(s.first_seen, EXCLUDED.first_seen), "
                        + "last_seen = GREATEST(s.last_seen, EXCLUDED.last_seen), "
                        + "app_version = COALESCE(EXCLUDED.app_version, s.app_version), "
                        + "events = s.events + EXCLUDED.events, "
                        + "crashed = s.crashed OR EXCLUDED.crashed, "
                        + "started_at = LEAST(s.started_at, EXCLUDED.started_at), "
                        + "ended_at = GREATEST(s.ended_at, EXCLUDED.ended_at), "
                        + "tool_uses = s.tool_uses + EXCLUDED.tool_uses, "
                        + "failed_tool_results = s.failed_tool_results + EXCLUDED.failed_tool_results",
                13, d.sessions(), CHUNK, (spec, i, s) -> {
                    spec = spec.bind(i, s.key.projectId()).bind(i + 1, s.key.sessionId()).bind(i + 2, s.appId);
                    spec = nullable(spec, i + 3, s.platform, String.class);
                    spec = nullable(spec, i + 4, s.appVersion, String.class);
                    spec = spec.bind(i + 5, at(s.firstSeen)).bind(i + 6, at(s.lastSeen)).bind(i + 7, s.events)
                            .bind(i + 8, s.crashed);
                    spec = nullable(spec, i + 9, s.startedAt == null ? null : at(s.startedAt), OffsetDateTime.class);
                    spec = nullable(spec, i + 10, s.endedAt == null ? null : at(s.endedAt), OffsetDateTime.class);
                    return spec.bind(i + 11, s.toolUses).bind(i + 12, s.failedToolResults);
                });
    }

    private Mono<Void> rollups(DerivedRecords d) {
        return MultiRowSql.execute(db, "INSERT INTO daily_rollups AS r (project_id, app_id, name, day, count, sum_value)",
                "ON CONFLICT (project_id, app_id, name, day) DO UPDATE SET count = r.count + EXCLUDED.count, "
                        + "sum_value = r.sum_value + EXCLUDED.sum_value",
                6, d.rollups(), CHUNK, (spec, i, r) -> spec.bind(i, r.key().projectId())
                        .bind(i + 1, r.key().appId()).bind(i + 2, r.key().name()).bind(i + 3, r.key().day())
                        .bind(i + 4, r.count()).bind(i + 5, r.sum()));
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
