package io.sluice.common.event;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of {@link CanonicalEvent}s on Kafka (see {@code common/README.md}).
 *
 * <p>A record value is either one event object, or a batch {@code {"v":1, <envelope>, "events":[…]}}
 * whose elements inherit every field they do not carry from the envelope. Encoding streams fields
 * directly, with no reflection. Thread-safe.
 */
public final class EventCodec {

    /** Kafka header naming the value's form: {@code event} or {@code batch}. */
    public static final String FORMAT_HEADER = "sluice-format";
    /** Kafka header with the number of events in the value. */
    public static final String COUNT_HEADER = "sluice-events";
    public static final int BATCH_VERSION = 1;

    /** The envelope (user, device, location and ids, written once), about. */
    private static final int ENVELOPE_HINT = 1024;
    /** An element's id, type, time and names, about. */
    private static final int EVENT_FIELDS_HINT = 160;
    /** A block that is a tree; the buffer grows if it was more. */
    private static final int TREE_HINT = 128;

    private final ObjectMapper mapper;
    /** Whether {@link CopiedBatchWriter} writes what this codec's generator writes. */
    private final boolean copies;

    public EventCodec() {
        this(JsonMapper.builder().build());
    }

    public EventCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.copies = copiesLikeItsGenerator();
    }

    /** Whether batches that qualify are copied ({@link CopiedBatchWriter}) rather than generated. */
    boolean copies() {
        return copies;
    }

    /** One event as one JSON object. */
    public byte[] encode(CanonicalEvent event) {
        return encode(event, Map.of());
    }

    /**
     * One event as one JSON object; a payload, tags or custom block found in {@code raw} (by
     * identity), or made by {@link RawJson#node}, is copied from the bytes it was read from instead
     * of being serialized again.
     */
    public byte[] encode(CanonicalEvent event, Map<JsonNode, RawJson> raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            write(g, event, raw);
        }
        return out.toByteArray();
    }

    /**
     * Several events as one batch value. Fields equal for all events (the request's envelope) are
     * written once at the top; each element carries its own id, type, time, payload and whatever
     * differs from the envelope. The size of the value therefore follows the size of the request.
     */
    public byte[] encodeBatch(List<CanonicalEvent> events) {
        return encodeBatch(events, Map.of());
    }

    /**
     * {@link #encodeBatch(List)}, copying each payload, tags or custom block found in {@code raw}
     * (an identity map: the very node read from those bytes and not changed since), or made by
     * {@link RawJson#node}, from its bytes.
     */
    public byte[] encodeBatch(List<CanonicalEvent> events, Map<JsonNode, RawJson> raw) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        byte[] copied = copies ? CopiedBatchWriter.write(this::envelope, events, raw) : null;
        return copied != null ? copied : generatedBatch(events, raw);
    }

    /**
     * A mapper set to indent, to escape more characters or to write names differently would make
     * the copied bytes differ from its generator's: such a codec leaves every batch to the
     * generator. Checked once on a batch with every kind of field the copy writes.
     */
    private boolean copiesLikeItsGenerator() {
        JsonNode payload = slice("{\"a\":[1,\"/x\"]}");
        JsonNode tags = slice("{\"k\":\"v\"}");
        Instant at = Instant.parse("2026-05-13T09:00:00.123Z");
        List<CanonicalEvent> probe = new ArrayList<>();
        for (String id : List.of("evt_01KBCZ/ ~!#$%&'()*+,-.:;<=>@[]^_`{|}", "evt_2")) {
            probe.add(new CanonicalEvent(id, "req_1", "prj_1", "app/1", "ios", "1.0", "s", "page_hit", at, at,
                    Dialect.CC, mapper.createObjectNode().put("id", "u/1"), null, null, payload, id.length() > 5 ? tags : null,
                    null));
        }
        byte[] copied = CopiedBatchWriter.write(this::envelope, probe, Map.of());
        return copied != null && Arrays.equals(copied, generatedBatch(probe, Map.of()));
    }

    private JsonNode slice(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RawJson(bytes, 0, bytes.length).node(mapper.getNodeFactory());
    }

    /** The version and {@code head}'s envelope fields as one JSON object: how a batch value begins. */
    private byte[] envelope(CanonicalEvent head) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ENVELOPE_HINT);
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("v", BATCH_VERSION);
            writeEnvelope(g, head);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** {@link #encodeBatch(List, Map)} with every field written by the JSON generator. */
    byte[] generatedBatch(List<CanonicalEvent> events, Map<JsonNode, RawJson> raw) {
        CanonicalEvent head = events.get(0);
        // Sized from the blocks copied as sent: growing a 25 KB value from a small buffer copied it
        // several times over (a sixth of encoding's CPU in a profile, docs/benchmarks.md).
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint(events, raw));
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("v", BATCH_VERSION);
            writeEnvelope(g, head);
            g.writeName("events");
            g.writeStartArray();
            for (CanonicalEvent event : events) {
                writeElement(g, event, head, raw);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** About the bytes a batch value takes: each event's blocks as sent plus its own fields, and the envelope. */
    static int sizeHint(List<CanonicalEvent> events, Map<JsonNode, RawJson> raw) {
        long size = ENVELOPE_HINT;
        for (CanonicalEvent e : events) {
            size += EVENT_FIELDS_HINT + length(e.payload(), raw) + length(e.tags(), raw) + length(e.custom(), raw);
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    private static int length(JsonNode block, Map<JsonNode, RawJson> raw) {
        if (block == null) {
            return 0;
        }
        RawJson bytes = asSent(block, raw);
        return bytes != null ? bytes.length() : TREE_HINT;
    }

    /** The bytes a block was sent as: it stands for them ({@link RawJson#node}) or {@code raw} maps it to them. */
    static RawJson asSent(JsonNode block, Map<JsonNode, RawJson> raw) {
        RawJson bytes = RawJson.of(block);
        return bytes != null || block == null || raw.isEmpty() ? bytes : raw.get(block);
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
            return List.of(read(new Layered(root, null)));
        }
        if (!events.isArray()) {
            throw new MalformedEventException("'events' is not an array");
        }
        List<CanonicalEvent> result = new ArrayList<>(events.size());
        for (JsonNode node : events) {
            if (!node.isObject()) {
                throw new MalformedEventException("event is not a JSON object");
            }
            result.add(read(new Layered(node, root)));
        }
        return result;
    }

    private static void write(JsonGenerator g, CanonicalEvent e, Map<JsonNode, RawJson> raw) {
        g.writeStartObject();
        g.writeStringProperty("event_id", e.eventId());
        optionalString(g, "request_id", e.requestId());
        g.writeStringProperty("project_id", e.projectId());
        g.writeStringProperty("app_id", e.appId());
        optionalString(g, "platform", e.platform());
        optionalString(g, "app_version", e.appVersion());
        optionalString(g, "session_id", e.sessionId());
        g.writeStringProperty("type", e.type());
        g.writeStringProperty("timestamp", IsoTimestamps.format(e.timestamp()));
        g.writeStringProperty("received_at", IsoTimestamps.format(e.receivedAt()));
        optionalString(g, "dialect", e.dialect());
        optionalTree(g, "user", e.user());
        optionalTree(g, "device", e.device());
        optionalTree(g, "location", e.location());
        optionalTree(g, "payload", e.payload(), raw);
        optionalTree(g, "tags", e.tags(), raw);
        optionalTree(g, "custom", e.custom(), raw);
        g.writeEndObject();
    }

    private static void writeEnvelope(JsonGenerator g, CanonicalEvent e) {
        optionalString(g, "request_id", e.requestId());
        g.writeStringProperty("project_id", e.projectId());
        g.writeStringProperty("app_id", e.appId());
        optionalString(g, "platform", e.platform());
        optionalString(g, "app_version", e.appVersion());
        optionalString(g, "session_id", e.sessionId());
        g.writeStringProperty("received_at", IsoTimestamps.format(e.receivedAt()));
        optionalString(g, "dialect", e.dialect());
        optionalTree(g, "user", e.user());
        optionalTree(g, "device", e.device());
        optionalTree(g, "location", e.location());
    }

    /** An element of a batch: own fields always, envelope fields only where they differ. */
    private static void writeElement(JsonGenerator g, CanonicalEvent e, CanonicalEvent env, Map<JsonNode, RawJson> raw) {
        g.writeStartObject();
        g.writeStringProperty("event_id", e.eventId());
        differentString(g, "request_id", e.requestId(), env.requestId());
        differentString(g, "project_id", e.projectId(), env.projectId());
        differentString(g, "app_id", e.appId(), env.appId());
        differentString(g, "platform", e.platform(), env.platform());
        differentString(g, "app_version", e.appVersion(), env.appVersion());
        differentString(g, "session_id", e.sessionId(), env.sessionId());
        g.writeStringProperty("type", e.type());
        g.writeStringProperty("timestamp", IsoTimestamps.format(e.timestamp()));
        if (!e.receivedAt().equals(env.receivedAt())) {
            g.writeStringProperty("received_at", IsoTimestamps.format(e.receivedAt()));
        }
        differentString(g, "dialect", e.dialect(), env.dialect());
        differentTree(g, "user", e.user(), env.user());
        differentTree(g, "device", e.device(), env.device());
        differentTree(g, "location", e.location(), env.location());
        optionalTree(g, "payload", e.payload(), raw);
        optionalTree(g, "tags", e.tags(), raw);
        optionalTree(g, "custom", e.custom(), raw);
        g.writeEndObject();
    }

    private static void differentString(JsonGenerator g, String name, String value, String envelope) {
        if (!Objects.equals(value, envelope)) {
            // An explicit null un-sets an envelope value for this element.
            g.writeName(name);
            if (value == null) {
                g.writeNull();
            } else {
                g.writeString(value);
            }
        }
    }

    private static void differentTree(JsonGenerator g, String name, JsonNode value, JsonNode envelope) {
        // Reference check first: the gateway shares one block instance across a request's events.
        if (value != envelope && !Objects.equals(value, envelope)) {
            g.writeName(name);
            if (value == null) {
                g.writeNull();
            } else {
                g.writeTree(value);
            }
        }
    }

    private static void optionalString(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    private static void optionalTree(JsonGenerator g, String name, JsonNode value, Map<JsonNode, RawJson> raw) {
        RawJson bytes = asSent(value, raw);
        if (bytes != null) {
            g.writeName(name);
            g.writeRawValue(bytes);
            return;
        }
        optionalTree(g, name, value);
    }

    private static void optionalTree(JsonGenerator g, String name, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            g.writeName(name);
            g.writeTree(value);
        }
    }

    /** An element with a fallback to its batch's envelope (absent field: envelope; null: null). */
    private record Layered(JsonNode element, JsonNode envelope) {
        JsonNode get(String name) {
            JsonNode v = element.get(name);
            if (v == null && envelope != null && !"events".equals(name)) {
                v = envelope.get(name);
            }
            return v;
        }
    }

    private static CanonicalEvent read(Layered n) {
        if (!n.element().isObject()) {
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
                    instant(required(n, "timestamp")),
                    instant(required(n, "received_at")),
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

    private static String text(Layered n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new MalformedEventException("'" + name + "' is not a string");
        }
        return v.stringValue();
    }

    /** The gateway writes {@code Instant.toString()}: the fast path reads it, the JDK parser the rest. */
    private static Instant instant(String s) {
        Instant fast = IsoTimestamps.parseCommon(s);
        return fast != null ? fast : Instant.parse(s);
    }

    private static String required(Layered n, String name) {
        String v = text(n, name);
        if (v == null) {
            throw new MalformedEventException("'" + name + "' is missing");
        }
        return v;
    }

    private static JsonNode object(Layered n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new MalformedEventException("'" + name + "' is not an object");
        }
        return v;
    }

    private static JsonNode requiredObject(Layered n, String name) {
        JsonNode v = object(n, name);
        if (v == null) {
            throw new MalformedEventException("'" + name + "' is missing");
        }
        return v;
    }
}
