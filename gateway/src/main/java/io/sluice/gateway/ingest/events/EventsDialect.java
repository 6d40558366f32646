package io.sluice.gateway.ingest.events;

import io.sluice.common.event.Dialect;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Decides which dialect a {@code POST /api/v1/events} body speaks, deterministically:
 * <ol>
 *   <li>a project that pinned its dialect gets that dialect, whatever the body;</li>
 *   <li>else every event object is looked at: one with {@code event_type} votes Trenchcoat, one
 *       with {@code type} votes CanaryHub; an event with both, or a batch with votes for both,
 *       is a 400 that names the two events;</li>
 *   <li>a batch with no vote (no event carries either field) goes by the credential header: a key
 *       in {@code X-API-Key} (Trenchcoat's) means Trenchcoat, {@code Authorization: Bearer}
 *       (CanaryHub's) means CanaryHub; that dialect then reports the missing field.</li>
 * </ol>
 */
public final class EventsDialect {

    private EventsDialect() {
    }

    public static String decide(String pinned, List<JsonNode> events, boolean bearerCredential) {
        if (pinned != null) {
            return pinned;
        }
        int canary = -1;
        int trench = -1;
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (!e.isObject()) {
                continue;
            }
            boolean hasType = e.has("type");
            boolean hasEventType = e.has("event_type");
            if (hasType && hasEventType) {
                throw ApiException.badRequest("Undecidable dialect: events[" + i + "] has both 'type' (CanaryHub) and "
                        + "'event_type' (Trenchcoat); send one dialect per request.",
                        List.of(new FieldProblem("events[" + i + "]", "has both type and event_type", "mixed_dialects")));
            }
            if (hasType && canary < 0) {
                canary = i;
            }
            if (hasEventType && trench < 0) {
                trench = i;
            }
            if (canary >= 0 && trench >= 0) {
                throw ApiException.badRequest("Mixed dialects: events[" + canary + "] is CanaryHub ('type') but events["
                        + trench + "] is Trenchcoat ('event_type'); send one dialect per request.",
                        List.of(new FieldProblem("events[" + Math.max(canary, trench) + "]",
                                "dialect differs from events[" + Math.min(canary, trench) + "]", "mixed_dialects")));
            }
        }
        if (trench >= 0) {
            return Dialect.TRENCHCOAT;
        }
        if (canary >= 0) {
            return Dialect.CANARYHUB;
        }
        return bearerCredential ? Dialect.CANARYHUB : Dialect.TRENCHCOAT;
    }
}
