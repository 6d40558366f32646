package io.sluice.gateway.ingest.events;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Trenchcoat agent telemetry ({@code ../shared/api/trenchcoat-events.md}). A body-level problem
 * (a missing or mistyped field, a bad enum value or UUID) rejects the whole request with every
 * problem listed; an event that is well-formed but cannot be kept (timestamp too far in the
 * future, larger than the per-event cap) is dropped alone and counted in {@code rejected}.
 * The canonical event keeps {@code event_type} as its type, {@code data} as its payload and the
 * session id in lower case.
 */
public class TrenchcoatParser {

    public static final List<String> EVENT_TYPES = List.of("session_start", "session_end", "tool_use", "tool_result",
            "subagent_stop", "assistant_stop");
    static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Body-level problems listed in one answer, at most. */
    static final int MAX_DETAILS = 50;

    /** Accepted events and how many well-formed events were dropped (with their reasons). */
    public record Result(List<CanonicalEvent> accepted, List<String> rejectedReasons) {
    }

    private final IngestProperties.Trenchcoat limits;
    private final Duration maxFutureSkew;
    private final Clock clock;

    public TrenchcoatParser(IngestProperties.Trenchcoat limits, Duration maxFutureSkew, Clock clock) {
        this.limits = limits;
        this.maxFutureSkew = maxFutureSkew;
        this.clock = clock;
    }

    public Result parse(List<JsonNode> events, List<Integer> sizes, String projectId, String appId, String requestId,
            Instant receivedAt) {
        if (events.size() > limits.maxEvents()) {
            throw tooMany();
        }
        List<FieldProblem> problems = new ArrayList<>();
        List<Instant> timestamps = new ArrayList<>(events.size());
        for (int i = 0; i < events.size() && problems.size() < MAX_DETAILS; i++) {
            timestamps.add(check(events.get(i), "events[" + i + "]", problems));
        }
        if (!problems.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "validation_error",
                    "Request body is invalid.", List.copyOf(problems), null);
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        List<CanonicalEvent> accepted = new ArrayList<>(events.size());
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (timestamps.get(i).isAfter(latest)) {
                rejected.add("timestamp_in_future");
                continue;
            }
            if (sizes.get(i) > limits.maxEventBytes()) {
                rejected.add("event_too_large");
                continue;
            }
            JsonNode data = e.get("data");
            accepted.add(new CanonicalEvent(Ids.event(), requestId, projectId, appId, "unknown", null,
                    e.get("session_id").stringValue().toLowerCase(Locale.ROOT), e.get("event_type").stringValue(),
                    timestamps.get(i), receivedAt, Dialect.TRENCHCOAT, null, null, null,
                    data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data, null, null));
        }
        return new Result(accepted, rejected);
    }

    /** Adds the event's problems; returns its timestamp when it has a valid one. */
    private static Instant check(JsonNode e, String at, List<FieldProblem> problems) {
        if (!e.isObject()) {
            problems.add(problem(at, "Expected object, received " + kind(e)));
            return null;
        }
        JsonNode type = e.get("event_type");
        if (type == null) {
            problems.add(problem(at + ".event_type", "Required"));
        } else if (!type.isString() || !EVENT_TYPES.contains(type.stringValue())) {
            problems.add(problem(at + ".event_type", "Invalid enum value. Expected one of: " + String.join(", ", EVENT_TYPES)));
        }
        JsonNode session = e.get("session_id");
        if (session == null) {
            problems.add(problem(at + ".session_id", "Required"));
        } else if (!session.isString()) {
            problems.add(problem(at + ".session_id", "Expected string, received " + kind(session)));
        } else if (!UUID.matcher(session.stringValue()).matches()) {
            problems.add(problem(at + ".session_id", "Invalid UUID format"));
        }
        JsonNode ts = e.get("timestamp");
        Instant timestamp = null;
        if (ts == null) {
            problems.add(problem(at + ".timestamp", "Required"));
        } else if (!ts.isString()) {
            problems.add(problem(at + ".timestamp", "Expected string, received " + kind(ts)));
        } else {
            timestamp = CcBatchParser.parseTimestamp(ts.stringValue());
            if (timestamp == null) {
                problems.add(problem(at + ".timestamp", "Invalid datetime: expected ISO 8601 with an offset, e.g. "
                        + "2024-01-15T10:30:00Z"));
            }
        }
        JsonNode data = e.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            problems.add(problem(at + ".data", "Expected object, received " + kind(data)));
        }
        return timestamp;
    }

    ApiException tooMany() {
        return ApiException.badRequest("batch_too_large",
                "Batch size exceeds limit of " + limits.maxEvents() + " events per request.");
    }

    private static FieldProblem problem(String field, String message) {
        return new FieldProblem(field, message, "validation_error");
    }

    private static String kind(JsonNode n) {
        if (n.isString()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isArray()) {
            return "array";
        }
        return n.isNull() ? "null" : "object";
    }

}
