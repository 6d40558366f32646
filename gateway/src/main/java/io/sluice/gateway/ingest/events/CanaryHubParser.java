package io.sluice.gateway.ingest.events;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * CanaryHub events ({@code ../shared/api/canaryhub-events.md}): whole-batch semantics, so the
 * first problem rejects the request with a 400 naming it. Each event becomes a canonical event
 * of type {@code event} or {@code error} whose payload holds {@code name}, {@code message},
 * {@code value} and {@code meta}; {@code ts} (default: arrival) is its timestamp. Fields the
 * contract does not define are ignored.
 */
public class CanaryHubParser {

    private final ObjectMapper mapper;
    private final IngestProperties.CanaryHub limits;
    private final Duration maxFutureSkew;
    private final Clock clock;

    public CanaryHubParser(ObjectMapper mapper, IngestProperties.CanaryHub limits, Duration maxFutureSkew, Clock clock) {
        this.mapper = mapper;
        this.limits = limits;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    /** Checks the batch limit and every event; the canonical events, in order. */
    public List<CanonicalEvent> parse(List<JsonNode> events, String projectId, String appId, String requestId,
            Instant receivedAt) {
        if (events.size() > limits.maxEvents()) {
            throw tooMany();
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        List<CanonicalEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            String at = "events[" + i + "]";
            if (!e.isObject()) {
                throw bad("not_an_object", at + " must be an object.");
            }
            JsonNode type = e.get("type");
            if (type == null || !type.isString() || !(type.stringValue().equals("event") || type.stringValue().equals("error"))) {
                throw bad("invalid_type", at + ".type must be \"event\" or \"error\"" + (type == null ? " (it is missing)." : "."));
            }
            ObjectNode payload = mapper.createObjectNode();
            JsonNode name = e.get("name");
            if (name == null || !name.isString()) {
                throw bad("invalid_name", at + ".name is required: a string of 1 to " + limits.maxNameLength() + " characters.");
            }
            int nameLength = name.stringValue().codePointCount(0, name.stringValue().length());
            if (nameLength < 1 || nameLength > limits.maxNameLength()) {
                throw bad("invalid_name", at + ".name must be 1 to " + limits.maxNameLength() + " characters, not " + nameLength + ".");
            }
            payload.set("name", name);
            JsonNode message = e.get("message");
            if (message != null && !message.isNull()) {
                if (!message.isString()) {
                    throw bad("invalid_message", at + ".message must be a string.");
                }
                int length = message.stringValue().codePointCount(0, message.stringValue().length());
                if (length > limits.maxMessageLength()) {
                    throw bad("message_too_long", at + ".message is " + length + " characters; the cap is " + limits.maxMessageLength() + ".");
                }
                payload.set("message", message);
            }
            JsonNode value = e.get("value");
            if (value != null && !value.isNull()) {
                if (!value.isNumber()) {
                    throw bad("invalid_value", at + ".value must be a number.");
                }
                payload.set("value", value);
            }
            JsonNode meta = e.get("meta");
            if (meta != null && !meta.isNull()) {
                if (!meta.isObject()) {
                    throw bad("invalid_meta", at + ".meta must be an object.");
                }
                int size = mapper.writeValueAsBytes(meta).length;
                if (size > limits.maxMetaBytes()) {
                    throw bad("meta_too_large", at + ".meta is " + size + " bytes serialized; the cap is " + limits.maxMetaBytes() + " bytes.");
                }
                payload.set("meta", meta);
            }
            Instant timestamp = receivedAt;
            JsonNode ts = e.get("ts");
            if (ts != null && !ts.isNull()) {
                timestamp = ts.isString() ? CcBatchParser.parseTimestamp(ts.stringValue()) : null;
                if (timestamp == null) {
                    throw bad("invalid_ts", at + ".ts must be ISO 8601 with a timezone offset, e.g. 2026-07-02T10:00:00Z.");
                }
                if (timestamp.isAfter(latest)) {
                    throw bad("invalid_ts", at + ".ts is more than " + maxFutureSkew + " in the future.");
                }
            }
            out.add(new CanonicalEvent(Ids.event(), requestId, projectId, appId, "unknown", null, null,
                    type.stringValue(), timestamp, receivedAt, Dialect.CANARYHUB, null, null, null, payload, null, null));
        }
        return out;
    }

    ApiException tooMany() {
        return bad("too_many_events", "Too many events: the limit is " + limits.maxEvents() + " per request; split the batch.");
    }


    private static ApiException bad(String reason, String message) {
        return ApiException.badRequest(reason, message);
    }
}
