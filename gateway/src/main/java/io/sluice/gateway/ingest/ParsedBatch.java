package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import java.util.List;

/**
 * A request after validation: the accepted events in canonical form and the rejected ones.
 *
 * @param requestId the request's id
 * @param appId     the envelope's app id
 * @param sessionId the envelope's session id, echoed in the response
 * @param accepted  valid events, in request order
 * @param problems  one entry per rejected event
 */
public record ParsedBatch(String requestId, String appId, String sessionId, List<CanonicalEvent> accepted,
        List<EventProblem> problems) {

    /** Number of rejected events. */
    public int rejected() {
        return problems.size();
    }
}
