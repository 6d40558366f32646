package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What newly stored events add to the derived tables: signals, agent reports, session counts and
 * daily rollups. Pure computation over canonical events; {@link DerivedWriter} stores it.
 */
public record DerivedRecords(List<Signal> signals, List<AgentReport> reports, List<SessionDelta> sessions,
        List<RollupDelta> rollups) {

    /** Event types that are signals (error and performance events). */
    public static final Set<String> SIGNAL_TYPES =
            Set.of("crash", "anr", "network_error", "slow_render", "friction", "error");

    public record Signal(String signalId, CanonicalEvent event, String osVersion, String name) {
    }

    public record AgentReport(CanonicalEvent event, String agentId, String status, String summary,
            List<String> signalIds, List<String> alertIds, String rootCause, String fixApplied, String nextAction,
            Double confidence) {
    }

    public record SessionKey(String projectId, String sessionId) implements Comparable<SessionKey> {
        @Override
        public int compareTo(SessionKey o) {
            int c = projectId.compareTo(o.projectId);
            return c != 0 ? c : sessionId.compareTo(o.sessionId);
        }
    }

    /** Additions to one session row. */
    public static final class SessionDelta {
        final SessionKey key;
        String appId;
        String platform;
        String appVersion;
        Instant firstSeen;
        Instant lastSeen;
        long events;
        boolean crashed;
        Instant startedAt;
        Instant endedAt;
        long toolUses;
        long failedToolResults;

        SessionDelta(SessionKey key) {
            this.key = key;
        }

        public SessionKey key() {
            return key;
        }
    }

    public record RollupKey(String projectId, String appId, String name, LocalDate day) implements Comparable<RollupKey> {
        @Override
        public int compareTo(RollupKey o) {
            return (projectId + '\0' + appId + '\0' + name + '\0' + day)
                    .compareTo(o.projectId + '\0' + o.appId + '\0' + o.name + '\0' + o.day);
        }
    }

    public record RollupDelta(RollupKey key, long count, double sum) {
    }

    /** Derives from events that were just inserted (never from replays of stored ones). */
    public static DerivedRecords of(List<CanonicalEvent> inserted) {
        List<Signal> signals = new ArrayList<>();
        List<AgentReport> reports = new ArrayList<>();
        // Sorted keys: replicas upsert rows in the same order, so they cannot deadlock.
        Map<SessionKey, SessionDelta> sessions = new TreeMap<>();
        Map<RollupKey, double[]> rollups = new TreeMap<>();
        for (CanonicalEvent e : inserted) {
            JsonNode p = e.payload();
            if (SIGNAL_TYPES.contains(e.type())) {
                signals.add(new Signal("sig_" + e.eventId().substring(e.eventId().indexOf('_') + 1), e,
                        text(e.device(), "os_version", text(p, "os_version", null)), signalName(e)));
            }
            if ("agent_report".equals(e.type())) {
                reports.add(new AgentReport(e, text(p, "agent_id", "unknown"), text(p, "status", "unknown"),
                        text(p, "summary", ""), strings(p.get("signal_ids")), strings(p.get("alert_ids")),
                        text(p, "root_cause", null), text(p, "fix_applied", null), text(p, "next_action", null),
                        p.has("confidence") && p.get("confidence").isNumber() ? p.get("confidence").doubleValue() : null));
            }
            if (e.sessionId() != null) {
                SessionDelta s = sessions.computeIfAbsent(new SessionKey(e.projectId(), e.sessionId()), SessionDelta::new);
                s.appId = e.appId();
                s.platform = e.platform();
                s.appVersion = e.appVersion() != null ? e.appVersion() : s.appVersion;
                s.firstSeen = min(s.firstSeen, e.timestamp());
                s.lastSeen = max(s.lastSeen, e.timestamp());
                s.events++;
                switch (e.type()) {
                    case "crash" -> s.crashed |= !(p.has("fatal") && p.get("fatal").isBoolean() && !p.get("fatal").booleanValue());
                    case "session_start" -> s.startedAt = min(s.startedAt, e.timestamp());
                    case "session_end" -> s.endedAt = max(s.endedAt, e.timestamp());
                    case "tool_use" -> s.toolUses++;
                    case "tool_result" -> s.failedToolResults += failedToolResult(p) ? 1 : 0;
                    default -> { }
                }
            }
            if ("event".equals(e.type()) && p.has("name") && p.get("name").isString()) {
                RollupKey key = new RollupKey(e.projectId(), e.appId(), p.get("name").stringValue(),
                        LocalDate.ofInstant(e.timestamp(), ZoneOffset.UTC));
                double[] acc = rollups.computeIfAbsent(key, k -> new double[2]);
                acc[0]++;
                acc[1] += p.has("value") && p.get("value").isNumber() ? p.get("value").doubleValue() : 0;
            }
        }
        return new DerivedRecords(signals, reports, List.copyOf(sessions.values()),
                rollups.entrySet().stream().map(r -> new RollupDelta(r.getKey(), (long) r.getValue()[0], r.getValue()[1]))
                        .toList());
    }

    /** A tool result failed when it says so: {@code is_error: true}, {@code success: false} or an {@code error}. */
    static boolean failedToolResult(JsonNode data) {
        JsonNode isError = data.get("is_error");
        JsonNode success = data.get("success");
        JsonNode error = data.get("error");
        return (isError != null && isError.isBoolean() && isError.booleanValue())
                || (success != null && success.isBoolean() && !success.booleanValue())
                || (error != null && !error.isNull() && !(error.isBoolean() && !error.booleanValue()));
    }

    private static String signalName(CanonicalEvent e) {
        JsonNode p = e.payload();
        return switch (e.type()) {
            case "crash" -> text(p, "exception", null);
            case "network_error" -> text(p, "endpoint", null);
            case "error" -> text(p, "name", null);
            default -> text(p, "screen", null);
        };
    }

    private static String text(JsonNode node, String field, String fallback) {
        if (node == null) {
            return fallback;
        }
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.stringValue() : fallback;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> {
                if (v.isString()) {
                    out.add(v.stringValue());
                }
            });
        }
        return out;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
