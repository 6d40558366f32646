package io.sluice.gateway.ingest.flat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import io.sluice.gateway.ingest.schema.CcSchema;
import io.sluice.gateway.ingest.schema.Violation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one flat analytics event ({@code POST /ingest}, {@code ../shared/api/analytics-single-event.md})
 * into a canonical event. Every problem is reported at once with a {@code validation.*} code.
 *
 * <p>Mapping: {@code user_id} becomes {@code user.id}; {@code device_type} and
 * {@code network_type} the device block's {@code type} and {@code network_type};
 * {@code location} the location block; everything else (names, page, element, the optional
 * objects, {@code experiments}, fields the seed does not list) the payload, with the client's
 * {@code event_id} as {@code client_event_id}. {@code extras} becomes {@code custom}. The canonical
 * id is derived from project and {@code event_id} ({@link Ids#keyed}), which makes a resend
 * recognizable downstream.
 */
public class FlatEventParser {

    static final String INVALID = "Invalid event";
    static final Set<String> DEVICE_TYPES = Set.of("mobile", "desktop", "tablet");
    static final Set<String> PLATFORMS = Set.of("ios", "android", "web");
    static final Set<String> NETWORK_TYPES = Set.of("wifi", "cellular", "unknown");
    /** Required strings and their longest length. */
    static final Map<String, Integer> REQUIRED = orderedMap(
            "event_id", 128, "event_type", 64, "event_name", 256, "event_time", 64,
            "user_id", 256, "session_id", 256, "page_name", 256);
    static final Map<String, Integer> OPTIONAL_STRINGS = orderedMap(
            "element_id", 256, "referrer", 2048, "app_version", 64);
    static final List<String> OBJECTS = List.of("content", "behavior", "performance", "location", "commerce",
            "interaction", "extras");
    static final int MAX_EXPERIMENTS = 100;
    /**
     * Canonical types that downstream derivations give a meaning (signals, sessions, rollups,
     * agent reports). A flat event with such an {@code event_type} is stored as
     * {@code flat_<type>}: its payload has none of the fields those derivations read.
     */
    static final Set<String> RESERVED_TYPES = Set.of("crash", "anr", "network_error", "slow_render", "friction",
            "error", "event", "agent_report", "session_start", "session_end", "tool_use", "tool_result");

    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration maxFutureSkew;

    public FlatEventParser(ObjectMapper mapper, Clock clock, Duration maxFutureSkew) {
        this.mapper = mapper;
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    public CanonicalEvent parse(byte[] body, String projectId, String appId, String requestId, Instant receivedAt) {
        ObjectNode in = readObject(body);
        List<FieldProblem> problems = new ArrayList<>();
        for (Map.Entry<String, Integer> f : REQUIRED.entrySet()) {
            requiredString(in, f.getKey(), f.getValue(), problems);
        }
        for (Map.Entry<String, Integer> f : OPTIONAL_STRINGS.entrySet()) {
            optionalString(in, f.getKey(), f.getValue(), problems);
        }
        enumValue(in, "device_type", DEVICE_TYPES, problems);
        enumValue(in, "platform", PLATFORMS, problems);
        enumValue(in, "network_type", NETWORK_TYPES, problems);
        for (String name : OBJECTS) {
            JsonNode v = in.get(name);
            if (present(v) && !v.isObject()) {
                problems.add(new FieldProblem(name, "must be an object", "validation.type"));
            }
        }
        experiments(in.get("experiments"), problems);
        JsonNode location = in.get("location");
        if (present(location) && location.isObject()) {
            List<Violation> found = new ArrayList<>();
            CcSchema.LOCATION.validate(location, "location", found, 20);
            found.forEach(v -> problems.add(new FieldProblem(v.field(), v.message(), code(v.code()))));
        }
        Instant eventTime = eventTime(in.get("event_time"), problems);
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(INVALID, problems);
        }

        String clientId = in.get("event_id").stringValue();
        String eventType = in.get("event_type").stringValue();
        ObjectNode payload = mapper.createObjectNode();
        payload.put("client_event_id", clientId);
        payload.put("event_type", eventType);
        payload.put("screen", in.get("page_name").stringValue());
        ObjectNode device = mapper.createObjectNode();
        JsonNode custom = null;
        for (Map.Entry<String, JsonNode> field : in.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "event_id", "event_time", "user_id", "session_id", "app_version", "platform", "location" -> {
                }
                case "device_type" -> device.set("type", value);
                case "network_type" -> device.set("network_type", value);
                case "extras" -> custom = value.isNull() ? null : value;
                default -> {
                    if (!value.isNull()) {
                        payload.set(name, value);
                    }
                }
            }
        }
        ObjectNode user = mapper.createObjectNode().put("id", in.get("user_id").stringValue());
        String type = RESERVED_TYPES.contains(eventType) ? "flat_" + eventType : eventType;
        return new CanonicalEvent(Ids.keyed(Ids.EVENT, projectId, clientId), requestId, projectId, appId,
                text(in, "platform", "unknown"), text(in, "app_version", null), in.get("session_id").stringValue(),
                type, eventTime, receivedAt, Dialect.FLAT, user, device.isEmpty() ? null : device,
                present(location) ? location : null, payload, null, custom);
    }

    private ObjectNode readObject(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest(INVALID, List.of(new FieldProblem("body", "is empty; send one JSON object",
                    "validation.required")));
        }
        try (JsonParser p = mapper.createParser(body)) {
            JsonNode node = mapper.readTree(p);
            if (p.nextToken() != null) {
                throw malformed("unexpected content after the JSON object");
            }
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest(INVALID, List.of(new FieldProblem("body", "must be a JSON object",
                        "validation.type")));
            }
            return (ObjectNode) node;
        } catch (StreamConstraintsException e) {
            throw malformed("exceeds a parser limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw malformed(e.getOriginalMessage());
        }
    }

    private static ApiException malformed(String why) {
        return ApiException.badRequest("Invalid JSON", List.of(new FieldProblem("body", "malformed JSON: " + why,
                "validation.json")));
    }

    private Instant eventTime(JsonNode v, List<FieldProblem> problems) {
        if (!present(v) || !v.isString() || v.stringValue().isEmpty()) {
            return null; // reported as required or type
        }
        Instant t = parseIso(v.stringValue());
        if (t == null) {
            problems.add(new FieldProblem("event_time", "must be a valid ISO 8601 datetime", "validation.format"));
            return null;
        }
        if (t.isAfter(clock.instant().plus(maxFutureSkew))) {
            problems.add(new FieldProblem("event_time", "must not be more than " + maxFutureSkew
                    + " ahead of the server clock", "validation.range"));
        }
        return t;
    }

    /** ISO 8601 date-time with an offset; without one it is taken as UTC. */
    static Instant parseIso(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static void requiredString(ObjectNode in, String name, int max, List<FieldProblem> problems) {
        JsonNode v = in.get(name);
        if (!present(v) || (v.isString() && v.stringValue().isBlank())) {
            problems.add(new FieldProblem(name, "is required", "validation.required"));
        } else {
            checkString(name, v, max, problems);
        }
    }

    private static void optionalString(ObjectNode in, String name, int max, List<FieldProblem> problems) {
        JsonNode v = in.get(name);
        if (present(v)) {
            checkString(name, v, max, problems);
        }
    }

    private static void checkString(String name, JsonNode v, int max, List<FieldProblem> problems) {
        if (!v.isString()) {
            problems.add(new FieldProblem(name, "must be a string", "validation.type"));
        } else if (v.stringValue().length() > max) {
            problems.add(new FieldProblem(name, "must be at most " + max + " characters", "validation.length"));
        }
    }

    private static void enumValue(ObjectNode in, String name, Set<String> allowed, List<FieldProblem> problems) {
        JsonNode v = in.get(name);
        if (present(v) && (!v.isString() || !allowed.contains(v.stringValue()))) {
            problems.add(new FieldProblem(name, "must be one of: " + String.join(", ", allowed.stream().sorted().toList()),
                    "validation.enum"));
        }
    }

    private static void experiments(JsonNode v, List<FieldProblem> problems) {
        if (!present(v)) {
            return;
        }
        if (!v.isArray()) {
            problems.add(new FieldProblem("experiments", "must be an array of strings", "validation.type"));
            return;
        }
        if (v.size() > MAX_EXPERIMENTS) {
            problems.add(new FieldProblem("experiments", "must have at most " + MAX_EXPERIMENTS + " entries",
                    "validation.length"));
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isString() || v.get(i).stringValue().length() > 256) {
                problems.add(new FieldProblem("experiments[" + i + "]", "must be a string of at most 256 characters",
                        "validation.type"));
                return;
            }
        }
    }

    /** Maps the CC schema's violation codes onto this dialect's {@code validation.*} codes. */
    static String code(String violation) {
        return switch (violation) {
            case "required" -> "validation.required";
            case "invalid_type" -> "validation.type";
            case "too_long" -> "validation.length";
            case "out_of_range" -> "validation.range";
            case "invalid_value" -> "validation.enum";
            default -> "validation.format";
        };
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }

    private static String text(ObjectNode in, String name, String fallback) {
        JsonNode v = in.get(name);
        return present(v) ? v.stringValue() : fallback;
    }

    private static Map<String, Integer> orderedMap(Object... kv) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
