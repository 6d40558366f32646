package io.sluice.gateway.ingest;

import io.sluice.common.event.RawJson;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a batch body ({@code {"events": [...]}} plus envelope fields) shared by the batch
 * dialects: one pass, the event limit stops reading early, and each event's size on the wire is
 * recorded.
 */
public final class BatchBodyReader {

    private BatchBodyReader() {
    }

    /**
     * The envelope without {@code events}, the events, each event's size in bytes as sent, and the
     * bytes each event's {@code payload}, {@code tags} and {@code custom} object was read from
     * (an identity map, for {@link io.sluice.common.event.EventCodec}).
     */
    public record Batch<T>(ObjectNode envelope, List<T> events, List<Integer> eventSizes,
            Map<JsonNode, RawJson> raw) {
    }

    /** Reads one element of {@code events}; the parser is at its first token and must be left at its last. */
    @FunctionalInterface
    public interface ElementReader<T> {

        /**
         * The element; blocks it forwards as sent go into {@code raw} with the
         * slice of {@code body} they were read from.
         */
        T read(JsonParser p, byte[] body, Map<JsonNode, RawJson> raw);
    }

    /** An event's blocks that pass to Kafka as sent unless a later step replaces them. */
    private static final Set<String> RAW_BLOCKS = Set.of("payload", "tags", "custom");

    /**
     * Reads {@code {"events": [...], ...}}, stopping as soon as the array holds more than
     * {@code maxEvents} ({@code tooMany} gets the events read so far). Malformed JSON, a missing,
     * non-array or empty {@code events} is a 400.
     */
    public static Batch<JsonNode> read(ObjectMapper mapper, byte[] body, int maxEvents,
            Function<List<JsonNode>, ApiException> tooMany) {
        return read(mapper, body, maxEvents, tooMany, (p, bytes, raw) -> p.currentToken() == JsonToken.START_OBJECT
                ? readEvent(mapper, p, bytes, raw) : mapper.readTree(p));
    }

    /** {@link #read(ObjectMapper, byte[], int, Function)} with each element read by {@code elements}. */
    public static <T> Batch<T> read(ObjectMapper mapper, byte[] body, int maxEvents,
            Function<List<T>, ApiException> tooMany, ElementReader<T> elements) {
        if (body.length == 0) {
            throw ApiException.badRequest("Request body is empty; expected a JSON object.",
                    List.of(new FieldProblem("", "body is empty", "empty_body")));
        }
        try (JsonParser p = UntrustedJson.parser(mapper, body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest("Request body must be a JSON object.",
                        List.of(new FieldProblem("", "expected a JSON object", "invalid_type")));
            }
            ObjectNode envelope = mapper.createObjectNode();
            List<T> events = null;
            List<Integer> sizes = new ArrayList<>();
            Map<JsonNode, RawJson> raw = new IdentityHashMap<>();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("events".equals(name) && value == JsonToken.START_ARRAY) {
                    events = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (events.size() == maxEvents) {
                            throw tooMany.apply(events);
                        }
                        long start = p.currentTokenLocation().getByteOffset();
                        events.add(elements.read(p, body, raw));
                        sizes.add((int) (p.currentLocation().getByteOffset() - start));
                    }
                } else {
                    envelope.set(name, mapper.readTree(p));
                }
            }
            if (p.nextToken() != null) {
                throw ApiException.badRequest("Malformed JSON: unexpected content after the top-level object.",
                        List.of(new FieldProblem("", "trailing content", "malformed_json")));
            }
            if (events == null) {
                JsonNode notArray = envelope.get("events");
                if (notArray == null || notArray.isNull()) {
                    throw ApiException.badRequest("'events' is required.",
                            List.of(new FieldProblem("events", "is required", "required")));
                }
                throw ApiException.badRequest("'events' must be an array.",
                        List.of(new FieldProblem("events", "must be an array", "invalid_type")));
            }
            if (events.isEmpty()) {
                throw ApiException.badRequest("'events' must not be empty.",
                        List.of(new FieldProblem("events", "must contain at least one event", "empty")));
            }
            return new Batch<>(envelope, events, sizes, raw);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("JSON exceeds a parser limit: " + e.getOriginalMessage(),
                    List.of(new FieldProblem("", e.getOriginalMessage(), "json_limit_exceeded")));
        } catch (JacksonException e) {
            throw ApiException.badRequest("Malformed JSON: " + e.getOriginalMessage(),
                    List.of(new FieldProblem("", e.getOriginalMessage(), "malformed_json")));
        }
    }

    /**
     * One event object, field by field, noting where its payload, tags and custom objects lie in
     * {@code body}. Duplicate field names are refused by the parser ({@link UntrustedJson#parser}).
     */
    private static ObjectNode readEvent(ObjectMapper mapper, JsonParser p, byte[] body, Map<JsonNode, RawJson> raw) {
        ObjectNode event = mapper.createObjectNode();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            long start = p.currentTokenLocation().getByteOffset();
            JsonNode value = mapper.readTree(p);
            if (token == JsonToken.START_OBJECT && RAW_BLOCKS.contains(name)) {
                raw.put(value, new RawJson(body, (int) start, (int) (p.currentLocation().getByteOffset() - start)));
            }
            event.set(name, value);
        }
        return event;
    }
}
