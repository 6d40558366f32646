package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.event.IsoTimestamps;
import io.sluice.common.id.Ids;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import io.sluice.gateway.ingest.schema.BlockSchema;
import io.sluice.gateway.ingest.schema.CcSchema;
import io.sluice.gateway.ingest.schema.Rules;
import io.sluice.gateway.ingest.schema.Violation;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a CC {@code POST /v1/ingest} body into canonical events in one streaming pass over the
 * envelope (so the event-count limit stops reading early and each event's size on the wire is
 * known). Problems with the envelope reject the whole request (400); a problem with one event
 * rejects only that event. Validation is table-driven ({@link CcSchema}); no reflection.
 */
public class CcBatchParser {

    static final String TYPES = String.join(", ", new TreeSet<>(CcSchema.PAYLOADS.keySet()));
    static final int MAX_APP_ID = 128;
    static final int MAX_TAGS = 64;
    static final int MAX_TAG_KEY = 64;
    static final int MAX_TAG_VALUE = 256;
    /** Whole-request problems reported in {@code details}, at most. */
    static final int MAX_DETAILS = 20;

    private static final BlockSchema ENVELOPE = BlockSchema.builder()
            .field("app_id", Rules.required(Rules.nonEmptyString(MAX_APP_ID)))
            .field("platform", Rules.oneOf("ios", "android", "react-native", "web", "unknown"))
            .field("app_version", Rules.semver())
            .field("session_id", Rules.string(Rules.SHORT))
            .field("user", Rules.object())
            .field("device", Rules.object())
            .field("location", Rules.object())
            .build();

    private final ObjectMapper mapper;
    private final CcEventReader events;
    private final IngestProperties limits;
    private final Clock clock;

    /** A parser with the hardened reader sized for these limits. */
    public static CcBatchParser create(IngestProperties limits, Clock clock) {
        return new CcBatchParser(UntrustedJson.streamingMapper(Math.max(limits.maxBodyBytes(), limits.maxDecompressedBytes())),
                limits, clock);
    }

    public CcBatchParser(ObjectMapper mapper, IngestProperties limits, Clock clock) {
        this.mapper = mapper;
        this.events = new CcEventReader(mapper);
        this.limits = limits;
        this.clock = clock;
    }

    public ParsedBatch parse(byte[] body, String projectId, String requestId, Instant receivedAt) {
        BatchBodyReader.Batch<CcEventReader.Event> raw = BatchBodyReader.read(mapper, body, limits.maxEvents(),
                read -> tooManyEvents(), events);
        ObjectNode env = raw.envelope();

        List<Violation> problems = new ArrayList<>();
        ENVELOPE.validate(env, "", problems, MAX_DETAILS);
        if (problems.isEmpty()) {
            validateBlock(CcSchema.USER, env.get("user"), "user", problems);
            validateBlock(CcSchema.DEVICE, env.get("device"), "device", problems);
            validateBlock(CcSchema.LOCATION, env.get("location"), "location", problems);
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("Invalid request: " + problems.get(0).message()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "") + ".",
                    problems.stream().map(v -> new FieldProblem(v.field(), v.message(), v.code())).toList());
        }
        String appId = env.get("app_id").stringValue();
        String platform = text(env, "platform", "unknown");
        String appVersion = text(env, "app_version", null);
        String sessionId = text(env, "session_id", null);
        JsonNode user = nonNull(env.get("user"));
        JsonNode device = nonNull(env.get("device"));
        JsonNode location = nonNull(env.get("location"));
        checkEnvelopeSize(user, device, location);

        Instant now = clock.instant();
        Instant earliest = now.minus(limits.maxEventAge());
        Instant latest = now.plus(limits.maxFutureSkew());
        List<CanonicalEvent> accepted = new ArrayList<>(raw.events().size());
        List<EventProblem> rejected = new ArrayList<>();
        List<Violation> found = new ArrayList<>(1);
        // One clock read for the request's ids (they sort by creation time, to the millisecond).
        long idMillis = System.currentTimeMillis();
        for (int i = 0; i < raw.events().size(); i++) {
            CcEventReader.Event e = raw.events().get(i);
            found.clear();
            Instant timestamp = validateEvent(e, i, raw.eventSizes().get(i), earliest, latest, found);
            if (!found.isEmpty()) {
                Violation v = found.get(0);
                rejected.add(new EventProblem(i, v.field(), v.code(), v.message()));
                continue;
            }
            accepted.add(new CanonicalEvent(Ids.next(Ids.EVENT, idMillis), requestId, projectId, appId, platform, appVersion,
                    sessionId, e.type.stringValue(), timestamp, receivedAt, Dialect.CC, user, device,
                    location, e.payload, e.tags, e.custom));
        }
        return new ParsedBatch(requestId, appId, sessionId, accepted, rejected, raw.raw());
    }

    /** Validates one event; returns its timestamp, or null with the first problem in {@code out}. */
    private Instant validateEvent(CcEventReader.Event e, int index, int size, Instant earliest, Instant latest,
            List<Violation> out) {
        if (e.notObject != null) {
            out.add(new Violation(at(index), "invalid_type", "event must be a JSON object"));
            return null;
        }
        if (size > limits.maxEventBytes()) {
            out.add(new Violation(at(index), "event_too_large", "event is " + size + " bytes; the limit is "
                    + limits.maxEventBytes() + " bytes"));
            return null;
        }
        JsonNode type = e.type;
        if (type == null) {
            out.add(new Violation(at(index) + ".type", "required", "type is required"));
            return null;
        }
        BlockSchema payloadSchema = type.isString() ? CcSchema.PAYLOADS.get(type.stringValue()) : null;
        if (payloadSchema == null) {
            out.add(new Violation(at(index) + ".type", "unknown_type", "type must be one of " + TYPES));
            return null;
        }
        JsonNode ts = e.timestamp;
        if (ts == null) {
            out.add(new Violation(at(index) + ".timestamp", "required", "timestamp is required"));
            return null;
        }
        Instant timestamp = ts.isString() ? parseTimestamp(ts.stringValue()) : null;
        if (timestamp == null) {
            out.add(new Violation(at(index) + ".timestamp", "invalid_timestamp",
                    "timestamp must be ISO 8601 with an offset, e.g. 2026-05-13T09:00:00Z"));
            return null;
        }
        if (timestamp.isAfter(latest) || timestamp.isBefore(earliest)) {
            out.add(new Violation(at(index) + ".timestamp", "timestamp_out_of_range", "timestamp must be at most "
                    + limits.maxFutureSkew() + " ahead of and " + limits.maxEventAge() + " behind the server clock"));
            return null;
        }
        if (!checkPayload(e, payloadSchema, index, out)) {
            return null;
        }
        if (e.tagsProblem != null) {
            out.add(e.tagsProblem.at(at(index) + ".tags"));
            return null;
        }
        if (e.custom != null && !e.customIsObject) {
            out.add(new Violation(at(index) + ".custom", "invalid_type", "custom must be an object"));
            return null;
        }
        return timestamp;
    }

    /** The payload's first problem into {@code out}, found while reading it or now from its tree. */
    private static boolean checkPayload(CcEventReader.Event e, BlockSchema schema, int index, List<Violation> out) {
        if (e.payloadChecked) {
            if (e.payloadProblem != null) {
                out.add(e.payloadProblem.at(at(index) + ".payload"));
            }
            return e.payloadProblem == null;
        }
        String path = at(index) + ".payload";
        if (e.payload == null) {
            out.add(new Violation(path, "required", "payload is required"));
            return false;
        }
        if (!e.payload.isObject()) {
            out.add(new Violation(path, "invalid_type", "payload must be an object"));
            return false;
        }
        int before = out.size();
        schema.validate(e.payload, path, out, before + 1);
        return out.size() == before;
    }

    /** An event's path in problems; built only for a problem, not for every valid event. */
    private static String at(int index) {
        return "events[" + index + "]";
    }

    private static void validateBlock(BlockSchema schema, JsonNode block, String path, List<Violation> out) {
        if (block != null && block.isObject()) {
            schema.validate(block, path, out, MAX_DETAILS);
        }
    }

    private ApiException tooManyEvents() {
        return ApiException.badRequest("Too many events: more than " + limits.maxEvents() + " (limit "
                + limits.maxEvents() + ", sluice.ingest.max-events).",
                List.of(new FieldProblem("events", "at most " + limits.maxEvents() + " events per request", "too_many_events")));
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
                    + " bytes; the limit is " + limits.maxEnvelopeBytes() + " bytes (sluice.ingest.max-envelope-bytes).",
                    List.of(new FieldProblem("user", "envelope blocks too large", "envelope_too_large")));
        }
    }

    /** ISO 8601 with an offset, or null. Shared by the batch dialects. */
    public static Instant parseTimestamp(String s) {
        Instant fast = IsoTimestamps.parseCommon(s);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode env, String name, String fallback) {
        JsonNode v = env.get(name);
        return v == null || v.isNull() ? fallback : v.stringValue();
    }

    private static JsonNode nonNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }
}
