package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a CC {@code POST /v1/ingest} body into canonical events. Problems with the envelope reject
 * the whole request (400); problems with one event reject only that event.
 */
public class CcBatchParser {

    static final Set<String> EVENT_TYPES = Set.of("crash", "anr", "network_error", "slow_render",
            "page_hit", "click", "friction", "custom", "agent_report");
    static final Set<String> PLATFORMS = Set.of("ios", "android", "react-native", "web", "unknown");
    static final int MAX_APP_ID = 128;
    static final int MAX_SHORT_STRING = 256;

    private final ObjectMapper mapper;
    private final IngestProperties limits;
    private final Clock clock;

    public CcBatchParser(ObjectMapper mapper, IngestProperties limits, Clock clock) {
        this.mapper = mapper;
        this.limits = limits;
        this.clock = clock;
    }

    public ParsedBatch parse(byte[] body, String projectId, String requestId, Instant receivedAt) {
        JsonNode root = readTree(body);
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object.",
                    List.of(new FieldProblem("", "expected a JSON object", "invalid_type")));
        }
        String appId = envelopeString(root, "app_id", true, MAX_APP_ID);
        JsonNode events = root.get("events");
        if (events == null || events.isNull()) {
            throw ApiException.badRequest("'events' is required.", List.of(new FieldProblem("events", "is required", "required")));
        }
        if (!events.isArray()) {
            throw ApiException.badRequest("'events' must be an array.",
                    List.of(new FieldProblem("events", "must be an array", "invalid_type")));
        }
        if (events.isEmpty()) {
            throw ApiException.badRequest("'events' must not be empty.",
                    List.of(new FieldProblem("events", "must contain at least one event", "empty")));
        }
        if (events.size() > limits.maxEvents()) {
            throw ApiException.badRequest("Too many events: " + events.size() + " (limit " + limits.maxEvents() + ").",
                    List.of(new FieldProblem("events", "at most " + limits.maxEvents() + " events per request", "too_many_events")));
        }
        String platform = envelopeString(root, "platform", false, MAX_SHORT_STRING);
        if (platform == null) {
            platform = "unknown";
        } else if (!PLATFORMS.contains(platform)) {
            throw ApiException.badRequest("'platform' must be one of ios, android, react-native, web.",
                    List.of(new FieldProblem("platform", "must be one of ios, android, react-native, web", "invalid_value")));
        }
        String appVersion = envelopeString(root, "app_version", false, MAX_SHORT_STRING);
        String sessionId = envelopeString(root, "session_id", false, MAX_SHORT_STRING);
        JsonNode user = envelopeObject(root, "user");
        JsonNode device = envelopeObject(root, "device");
        JsonNode location = envelopeObject(root, "location");
        checkEnvelopeSize(user, device, location);

        Instant now = clock.instant();
        Instant earliest = now.minus(limits.maxEventAge());
        Instant latest = now.plus(limits.maxFutureSkew());
        List<CanonicalEvent> accepted = new ArrayList<>(events.size());
        List<EventProblem> problems = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            String at = "events[" + i + "]";
            if (!e.isObject()) {
                problems.add(new EventProblem(i, at, "invalid_type", "event must be a JSON object"));
                continue;
            }
            JsonNode type = e.get("type");
            if (type == null || type.isNull()) {
                problems.add(new EventProblem(i, at + ".type", "required", "type is required"));
                continue;
            }
            if (!type.isString() || !EVENT_TYPES.contains(type.stringValue())) {
                problems.add(new EventProblem(i, at + ".type", "unknown_type",
                        "type must be one of " + String.join(", ", EVENT_TYPES.stream().sorted().toList())));
                continue;
            }
            JsonNode ts = e.get("timestamp");
            if (ts == null || ts.isNull()) {
                problems.add(new EventProblem(i, at + ".timestamp", "required", "timestamp is required"));
                continue;
            }
            Instant timestamp = ts.isString() ? parseTimestamp(ts.stringValue()) : null;
            if (timestamp == null) {
                problems.add(new EventProblem(i, at + ".timestamp", "invalid_timestamp",
                        "timestamp must be ISO 8601 with an offset, e.g. 2026-05-13T09:00:00Z"));
                continue;
            }
            if (timestamp.isAfter(latest) || timestamp.isBefore(earliest)) {
                problems.add(new EventProblem(i, at + ".timestamp", "timestamp_out_of_range",
                        "timestamp must be at most " + limits.maxFutureSkew() + " ahead of and "
                                + limits.maxEventAge() + " behind the server clock"));
                continue;
            }
            JsonNode payload = e.get("payload");
            if (payload == null || payload.isNull()) {
                problems.add(new EventProblem(i, at + ".payload", "required", "payload is required"));
                continue;
            }
            if (!payload.isObject()) {
                problems.add(new EventProblem(i, at + ".payload", "invalid_type", "payload must be an object"));
                continue;
            }
            JsonNode tags = e.get("tags");
            if (tags != null && !tags.isNull() && !tags.isObject()) {
                problems.add(new EventProblem(i, at + ".tags", "invalid_type", "tags must be an object"));
                continue;
            }
            JsonNode custom = e.get("custom");
            if (custom != null && !custom.isNull() && !custom.isObject()) {
                problems.add(new EventProblem(i, at + ".custom", "invalid_type", "custom must be an object"));
                continue;
            }
            accepted.add(new CanonicalEvent(Ids.event(), requestId, projectId, appId, platform, appVersion,
                    sessionId, type.stringValue(), timestamp, receivedAt, Dialect.CC, user, device, location,
                    payload, nullIfNull(tags), nullIfNull(custom)));
        }
        return new ParsedBatch(appId, sessionId, accepted, problems, problems.size());
    }

    private JsonNode readTree(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("Request body is empty; expected a JSON object.",
                    List.of(new FieldProblem("", "body is empty", "empty_body")));
        }
        try {
            return mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("JSON exceeds a parser limit: " + e.getOriginalMessage(),
                    List.of(new FieldProblem("", e.getOriginalMessage(), "json_limit_exceeded")));
        } catch (JacksonException e) {
            throw ApiException.badRequest("Malformed JSON: " + e.getOriginalMessage(),
                    List.of(new FieldProblem("", e.getOriginalMessage(), "malformed_json")));
        }
    }

    private static String envelopeString(JsonNode root, String name, boolean required, int maxLength) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + name + "' is required.", List.of(new FieldProblem(name, "is required", "required")));
            }
            return null;
        }
        if (!v.isString()) {
            throw ApiException.badRequest("'" + name + "' must be a string.",
                    List.of(new FieldProblem(name, "must be a string", "invalid_type")));
        }
        String s = v.stringValue();
        if (s.isEmpty() || s.length() > maxLength) {
            throw ApiException.badRequest("'" + name + "' must be 1 to " + maxLength + " characters.",
                    List.of(new FieldProblem(name, "must be 1 to " + maxLength + " characters", "invalid_length")));
        }
        return s;
    }

    private static JsonNode envelopeObject(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("'" + name + "' must be an object.",
                    List.of(new FieldProblem(name, "must be an object", "invalid_type")));
        }
        return v;
    }

    private void checkEnvelopeSize(JsonNode... blocks) {
        int size = 0;
        for (JsonNode block : blocks) {
            if (block != null) {
                size += mapper.writeValueAsBytes(block).length;
            }
        }
        if (size > limits.maxEnvelopeBytes()) {
            throw ApiException.badRequest("user, device and location together are " + size
                    + " bytes; the limit is " + limits.maxEnvelopeBytes() + " bytes.",
                    List.of(new FieldProblem("user", "envelope blocks too large", "envelope_too_large")));
        }
    }

    static Instant parseTimestamp(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode nullIfNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }
}
