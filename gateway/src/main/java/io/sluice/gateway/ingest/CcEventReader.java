package io.sluice.gateway.ingest;

import io.sluice.common.event.RawJson;
import io.sluice.gateway.ingest.schema.BlockSchema;
import io.sluice.gateway.ingest.schema.CcSchema;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.util.RawValue;

/**
 * Reads one element of a CC batch field by field, without a tree of the event. When the event's
 * {@code type} came before its {@code payload} (as clients send it), the payload is checked against
 * that type's schema while it streams past and kept only as the bytes it was sent as: building
 * trees of every event and payload was the largest part of the gateway's CPU per event
 * (docs/benchmarks.md). A payload sent before its type is read as a tree and validated by
 * {@link CcBatchParser} afterwards; both ways give the same answer.
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
        JsonNode tags;
        JsonNode custom;
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
                case "tags" -> e.tags = block(p, token, body, raw);
                case "custom" -> e.custom = block(p, token, body, raw);
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
        RawJson bytes = new RawJson(body, start, (int) p.currentLocation().getByteOffset() - start);
        // Serializes as the bytes themselves wherever it is written; the codec finds it in raw.
        e.payload = mapper.getNodeFactory().rawValueNode(new RawValue(bytes));
        e.payloadChecked = true;
        raw.put(e.payload, bytes);
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
