package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.RawJson;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A request after validation: the accepted events in canonical form and the rejected ones.
 *
 * @param requestId the request's id
 * @param appId     the envelope's app id
 * @param sessionId the envelope's session id, echoed in the response
 * @param accepted  valid events, in request order
 * @param problems  one entry per rejected event
 * @param raw       the request bytes of the events' payload, tags and custom blocks (identity map)
 */
public record ParsedBatch(String requestId, String appId, String sessionId, List<CanonicalEvent> accepted,
        List<EventProblem> problems, Map<JsonNode, RawJson> raw) {

    /** Number of rejected events. */
    public int rejected() {
        return problems.size();
    }
}
