package io.sluice.gateway.support;

import io.sluice.common.id.Ids;
import io.sluice.embedded.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes alerts, change-log entries and signals into PostgreSQL the way the scorer does (same
 * tables, same advisory lock around change-log inserts), for the gateway's alert API tests.
 */
public final class AlertFixtures {

    /** The scorer's change-log lock (AlertStore.CHANGE_LOCK). */
    static final long CHANGE_LOCK = 0x51_75_1C_E0_A1_E7L;

    private final PostgresServer pg;

    public AlertFixtures(PostgresServer pg) {
        this.pg = pg;
    }

    /** An alert as the scorer opens it, plus its {@code alert.opened} change; returns the alert id. */
    public String alert(String project, String app, String severity, String status, Instant triggeredAt,
            Instant updatedAt, String recommendedAction, String... signalIds) throws SQLException {
        String id = Ids.alert();
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (alert_id, project_id, app_id, pattern, "
                    + "dimension_kind, dimension_value, signal_type, severity, status, title, description, recommended_action, "
                    + "score, signal_ids, evidence, triggered_at, last_breach_at, created_at, updated_at, resolved_at) VALUES "
                    + "(?, ?, ?, 'crash_rate_spike', 'os', ?, 'crash', ?, ?, 'Crash rate spike — iOS 18.1', "
                    + "'Crash-free session rate dropped from 99.8% to 96.2% on iOS 18.1 in the last 10 minutes.', ?, 0.96, ?, "
                    + "'{}'::jsonb, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, project);
                ps.setString(3, app);
                ps.setString(4, "ios 18.1 " + id);
                ps.setString(5, severity);
                ps.setString(6, status);
                ps.setString(7, recommendedAction);
                ps.setArray(8, c.createArrayOf("text", signalIds));
                ps.setObject(9, utc(triggeredAt));
                ps.setObject(10, utc(triggeredAt));
                ps.setObject(11, utc(updatedAt));
                ps.setObject(12, utc(updatedAt));
                ps.setObject(13, status.equals("resolved") ? utc(updatedAt) : null);
                ps.executeUpdate();
            }
            change(c, id, project, app, "alert.opened", null);
            c.commit();
        }
        return id;
    }

    /** Appends a change for an existing alert (the alert as it is now); returns the change id. */
    public long change(String alertId, String kind, String reportJson) throws SQLException {
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            String project;
            String app;
            try (PreparedStatement ps = c.prepareStatement("SELECT project_id, app_id FROM alerts WHERE alert_id = ?")) {
                ps.setString(1, alertId);
                var rs = ps.executeQuery();
                rs.next();
                project = rs.getString(1);
                app = rs.getString(2);
            }
            long id = change(c, alertId, project, app, kind, reportJson);
            c.commit();
            return id;
        }
    }

    private static long change(Connection c, String alertId, String project, String app, String kind, String report)
            throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHANGE_LOCK);
            lock.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_changes (alert_id, project_id, app_id, kind, body) "
                + "SELECT a.alert_id, a.project_id, a.app_id, ?, jsonb_build_object('alert', jsonb_build_object("
                + "'id', a.alert_id, 'app_id', a.app_id, 'severity', a.severity, 'status', a.status, 'title', a.title, "
                + "'description', a.description, 'signal_ids', to_jsonb(a.signal_ids), 'triggered_at', "
                + "to_char(a.triggered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'pattern', a.pattern, "
                + "'recommended_action', a.recommended_action, 'score', a.score, 'dimension', 'os=ios 18.1', "
                + "'needs_human', a.needs_human)) || CASE WHEN ?::text IS NULL THEN '{}'::jsonb "
                + "ELSE jsonb_build_object('report', ?::jsonb) END "
                + "FROM alerts a WHERE a.alert_id = ? RETURNING change_id")) {
            ps.setString(1, kind);
            ps.setString(2, report);
            ps.setString(3, report);
            ps.setString(4, alertId);
            var rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A signal as the scorer writes it since V10: no payload of its own, its event row holds it.
     */
    public String signalOfEvent(String project, String app, String type, Instant at, String payload) throws SQLException {
        String id = Ids.signal();
        String event = Ids.event();
        try (Connection c = pg.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (event_id, occurred_at, received_at, "
                    + "project_id, app_id, type, payload) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setString(1, event);
                ps.setObject(2, utc(at));
                ps.setObject(3, utc(at));
                ps.setString(4, project);
                ps.setString(5, app);
                ps.setString(6, type);
                ps.setString(7, payload);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO signals (signal_id, event_id, project_id, app_id, "
                    + "type, occurred_at, name) VALUES (?, ?, ?, ?, ?, ?, 'x')")) {
                ps.setString(1, id);
                ps.setString(2, event);
                ps.setString(3, project);
                ps.setString(4, app);
                ps.setString(5, type);
                ps.setObject(6, utc(at));
                ps.executeUpdate();
            }
        }
        return id;
    }

    /** A signal row as the scorer derives it. */
    public String signal(String project, String app, String type, Instant at, String platform, String osVersion,
            String appVersion, String name) throws SQLException {
        String id = Ids.signal();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO signals (signal_id, "
                + "event_id, project_id, app_id, type, occurred_at, platform, app_version, os_version, session_id, name, "
                + "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 's1', ?, '{\"exception\":\"NullPointerException\"}'::jsonb)")) {
            ps.setString(1, id);
            ps.setString(2, Ids.event());
            ps.setString(3, project);
            ps.setString(4, app);
            ps.setString(5, type);
            ps.setObject(6, utc(at));
            ps.setString(7, platform);
            ps.setString(8, appVersion);
            ps.setString(9, osVersion);
            ps.setString(10, name);
            ps.executeUpdate();
        }
        return id;
    }

    /** Many changes at once (for the slow-client test), each with a padded body. */
    public void manyChanges(String alertId, int count, int padding) throws SQLException {
        try (Connection c = pg.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, CHANGE_LOCK);
                lock.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_changes (alert_id, project_id, app_id, kind, body) "
                    + "SELECT a.alert_id, a.project_id, a.app_id, 'alert.updated', jsonb_build_object('alert', "
                    + "jsonb_build_object('id', a.alert_id, 'app_id', a.app_id, 'severity', a.severity, 'status', a.status, "
                    + "'title', a.title, 'description', repeat('x', ?), 'signal_ids', '[]'::jsonb, 'score', a.score, "
                    + "'needs_human', false)) FROM alerts a, generate_series(1, ?) WHERE a.alert_id = ?")) {
                ps.setInt(1, padding);
                ps.setInt(2, count);
                ps.setString(3, alertId);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
