package io.sluice.gateway.ingest;

import io.sluice.common.event.RawJson;
import io.sluice.gateway.ingest.schema.BlockSchema;
import io.sluice.gateway.ingest.schema.CcSchema;
import io.sluice.gateway.ingest.schema.Violation;
import io.sluice.gateway.privacy.PrivacyPolicy;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads one element of a CC batch field by field, without a tree of the event. When the event's
 * {@code type} came before its {@code payload} (as clients send it), the payload is checked against
 * that type's schema while it streams past and kept only as the bytes it was sent as: building
 * trees of every event and payload was the largest part of the gateway's CPU per event
 * (docs/benchmarks.md). A payload sent before its type is read as a tree and validated by
 * {@link CcBatchParser} afterwards; both ways give the same answer. Tags objects are checked while
 * they stream past too, and custom objects only read to their end: both are kept as the bytes
 * they were sent as (their trees were two fifths of parsing a realistic batch, docs/benchmarks.md),
 * except a custom object with a key the privacy policy treats as personal data, which is built
 * into a tree for the policy to edit.
 */
final class CcEventReader implements BatchBodyReader.ElementReader<CcEventReader.Event> {

    /** What one element held; {@link CcBatchParser} validates it. JSON null reads as null. */
    static final class Event {
        /** The element itself when it is not a JSON object; then nothing else is set. */
        JsonNode notObject;
        JsonNode type;
        JsonNode timestamp;
        /** A tree, or (when {@link #payloadChecked}) a raw-value node holding the bytes. */
        JsonNode payload;
        boolean payloadChecked;
        /** The payload's first problem when it was checked while streaming. */
        BlockSchema.Problem payloadProblem;
        /** A tree, or (when it was an object) a raw-value node holding the bytes. */
        JsonNode tags;
        /** The first problem of {@link #tags}, found while reading it. */
        TagsProblem tagsProblem;
        /** A tree, or a raw-value node holding the bytes of an object without personal data. */
        JsonNode custom;
        boolean customIsObject;
    }

    /** What is wrong with an event's tags; {@code key} names the tag, when it is about one. */
    record TagsProblem(String code, String key, String message) {

        static final TagsProblem NOT_OBJECT = new TagsProblem("invalid_type", null,
                "tags must be an object of string values");
        static final TagsProblem TOO_MANY = new TagsProblem("too_long", null,
                "at most " + CcBatchParser.MAX_TAGS + " tags");

        Violation at(String tagsPath) {
            return new Violation(key == null ? tagsPath : tagsPath + "." + key, code, message);
        }
    }

    private final ObjectMapper mapper;

    CcEventReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Event read(JsonParser p, byte[] body, Map<JsonNode, RawJson> raw) {
        Event e = new Event();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            e.notObject = mapper.readTree(p);
            return e;
        }
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            switch (name) {
                case "type" -> e.type = scalar(p, token);
                case "timestamp" -> e.timestamp = scalar(p, token);
                case "payload" -> readPayload(p, token, e, body, raw);
                case "tags" -> readTags(p, token, e, body, raw);
                case "custom" -> {
                    e.custom = readCustom(p, token, body, raw);
                    e.customIsObject = token == JsonToken.START_OBJECT;
                }
                // Not part of the canonical event: read (so every parser limit applies) and dropped.
                default -> mapper.readTree(p);
            }
        }
        return e;
    }

    private void readPayload(JsonParser p, JsonToken token, Event e, byte[] body, Map<JsonNode, RawJson> raw) {
        BlockSchema schema = token == JsonToken.START_OBJECT && e.type != null && e.type.isString()
                ? CcSchema.PAYLOADS.get(e.type.stringValue()) : null;
        if (schema == null) {
            e.payload = block(p, token, body, raw);
            return;
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        e.payloadProblem = schema.check(p, mapper);
        // Serializes as the bytes themselves wherever it is written.
        e.payload = slice(p, body, start).node(mapper.getNodeFactory());
        e.payloadChecked = true;
    }

    /**
     * Tags: an object of at most {@link CcBatchParser#MAX_TAGS} string values, names and values of
     * bounded length. The problem reported is the one a check of the whole object finds first: too
     * many tags, else the first tag (in body order) with a problem.
     */
    private void readTags(JsonParser p, JsonToken token, Event e, byte[] body, Map<JsonNode, RawJson> raw) {
        if (token != JsonToken.START_OBJECT) {
            e.tags = block(p, token, body, raw);
            e.tagsProblem = e.tags == null ? null : TagsProblem.NOT_OBJECT;
            return;
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        int count = 0;
        TagsProblem first = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            count++;
            TagsProblem problem = null;
            if (key.length() > CcBatchParser.MAX_TAG_KEY) {
                problem = new TagsProblem("too_long", key,
                        "tag names must be at most " + CcBatchParser.MAX_TAG_KEY + " characters");
            }
            if (value == JsonToken.VALUE_STRING) {
                int length = p.getStringLength();
                p.streamReadConstraints().validateStringLength(length);
                if (problem == null && length > CcBatchParser.MAX_TAG_VALUE) {
                    problem = new TagsProblem("too_long", key,
                            "tag values must be at most " + CcBatchParser.MAX_TAG_VALUE + " characters");
                }
            } else {
                UntrustedJson.skipValue(p);
                if (problem == null) {
                    problem = new TagsProblem("invalid_type", key, "tag values must be strings");
                }
            }
            if (first == null) {
                first = problem;
            }
        }
        e.tags = slice(p, body, start).node(mapper.getNodeFactory());
        e.tagsProblem = count > CcBatchParser.MAX_TAGS ? TagsProblem.TOO_MANY : first;
    }

    /**
     * Custom: any object, read to its end and kept as its bytes, unless one of its keys names
     * personal data (with a value that is not null): then it becomes a tree, which the privacy
     * policy reads and may edit. Anything else is read as a tree, for the parser to reject.
     */
    private JsonNode readCustom(JsonParser p, JsonToken token, byte[] body, Map<JsonNode, RawJson> raw) {
        if (token != JsonToken.START_OBJECT) {
            return block(p, token, body, raw);
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        boolean personal = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            personal |= value != JsonToken.VALUE_NULL && PrivacyPolicy.sensitiveKey(key);
            UntrustedJson.skipValue(p);
        }
        RawJson bytes = slice(p, body, start);
        if (!personal) {
            return bytes.node(mapper.getNodeFactory());
        }
        JsonNode tree = bytes.readTree(mapper);
        raw.put(tree, bytes);
        return tree;
    }

    /** The bytes from {@code start} to the end of the parser's current token. */
    private static RawJson slice(JsonParser p, byte[] body, int start) {
        return new RawJson(body, start, (int) p.currentLocation().getByteOffset() - start);
    }

    /** A value as a tree; an object also as the bytes it was read from. Null for JSON null. */
    private JsonNode block(JsonParser p, JsonToken token, byte[] body, Map<JsonNode, RawJson> raw) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        JsonNode value = mapper.readTree(p);
        if (token == JsonToken.START_OBJECT) {
            raw.put(value, new RawJson(body, start, (int) p.currentLocation().getByteOffset() - start));
        }
        return value.isNull() ? null : value;
    }

    private JsonNode scalar(JsonParser p, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> mapper.getNodeFactory().stringNode(p.getString());
            case VALUE_NULL -> null;
            default -> mapper.readTree(p);
        };
    }
}
