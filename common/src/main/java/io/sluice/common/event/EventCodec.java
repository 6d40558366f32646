package io.sluice.common.event;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of {@link CanonicalEvent}s on Kafka (see {@code common/README.md}).
 *
 * <p>A record value is either one event object, or a batch {@code {"v":1,"events":[…]}} of
 * self-contained event objects (every event repeats its envelope, so a consumer never needs
 * anything but the element). Encoding streams fields directly, with no reflection. Thread-safe.
 */
public final class EventCodec {

    /** Kafka header naming the value's form: {@code event} or {@code batch}. */
    public static final String FORMAT_HEADER = "sluice-format";
    /** Kafka header with the number of events in the value. */
    public static final String COUNT_HEADER = "sluice-events";
    public static final int BATCH_VERSION = 1;

    private final ObjectMapper mapper;

    public EventCodec() {
        this(JsonMapper.builder().build());
    }

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One event as one JSON object. */
    public byte[] encode(CanonicalEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            write(g, event);
        }
        return out.toByteArray();
    }

    /** Several events as one batch value. */
    public byte[] encodeBatch(List<CanonicalEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 * events.size() + 32);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("v", BATCH_VERSION);
            g.writeName("events");
            g.writeStartArray();
            for (CanonicalEvent event : events) {
                write(g, event);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record value in either form.
     *
     * @throws MalformedEventException when the bytes are not a valid event or batch
     */
    public List<CanonicalEvent> decode(byte[] value) {
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JacksonException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("value is not a JSON object");
        }
        JsonNode events = root.get("events");
        if (events == null) {
            return List.of(read(root));
        }
        if (!events.isArray()) {
            throw new MalformedEventException("'events' is not an array");
        }
        List<CanonicalEvent> result = new ArrayList<>(events.size());
        for (JsonNode node : events) {
            result.add(read(node));
        }
        return result;
    }

    private static void write(JsonGenerator g, CanonicalEvent e) {
        g.writeStartObject();
        g.writeStringProperty("event_id", e.eventId());
        optionalString(g, "request_id", e.requestId());
        g.writeStringProperty("project_id", e.projectId());
        g.writeStringProperty("app_id", e.appId());
        optionalString(g, "platform", e.platform());
        optionalString(g, "app_version", e.appVersion());
        optionalString(g, "session_id", e.sessionId());
        g.writeStringProperty("type", e.type());
        g.writeStringProperty("timestamp", e.timestamp().toString());
        g.writeStringProperty("received_at", e.receivedAt().toString());
        optionalString(g, "dialect", e.dialect());
        optionalTree(g, "user", e.user());
        optionalTree(g, "device", e.device());
        optionalTree(g, "location", e.location());
        optionalTree(g, "payload", e.payload());
        optionalTree(g, "tags", e.tags());
        optionalTree(g, "custom", e.custom());
        g.writeEndObject();
    }

    private static void optionalString(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    private static void optionalTree(JsonGenerator g, String name, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            g.writeName(name);
            g.writeTree(value);
        }
    }

    private static CanonicalEvent read(JsonNode n) {
        if (!n.isObject()) {
            throw new MalformedEventException("event is not a JSON object");
        }
        try {
            return new CanonicalEvent(
                    required(n, "event_id"),
                    text(n, "request_id"),
                    required(n, "project_id"),
                    required(n, "app_id"),
                    text(n, "platform"),
                    text(n, "app_version"),
                    text(n, "session_id"),
                    required(n, "type"),
                    Instant.parse(required(n, "timestamp")),
                    Instant.parse(required(n, "received_at")),
                    text(n, "dialect"),
                    object(n, "user"),
                    object(n, "device"),
                    object(n, "location"),
                    requiredObject(n, "payload"),
                    object(n, "tags"),
                    object(n, "custom"));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("bad instant: " + e.getParsedString(), e);
        }
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new MalformedEventException("'" + name + "' is not a string");
        }
        return v.stringValue();
    }

    private static String required(JsonNode n, String name) {
        String v = text(n, name);
        if (v == null) {
            throw new MalformedEventException("'" + name + "' is missing");
        }
        return v;
    }

    private static JsonNode object(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new MalformedEventException("'" + name + "' is not an object");
        }
        return v;
    }

    private static JsonNode requiredObject(JsonNode n, String name) {
        JsonNode v = object(n, name);
        if (v == null) {
            throw new MalformedEventException("'" + name + "' is missing");
        }
        return v;
    }
}
