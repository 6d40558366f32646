package io.sluice.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The seed's response ({@code accepted}, {@code rejected}, {@code session_id}, {@code request_id},
 * {@code usage.credits}) plus {@code errors} when events were rejected.
 */
public record IngestResponse(
        int accepted,
        int rejected,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("request_id") String requestId,
        Usage usage,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EventProblem> errors) {

    public record Usage(int credits) {
    }

    /** One credit per started block of 100 accepted events; a request that stores nothing is free. */
    public static int credits(int accepted) {
        return (accepted + 99) / 100;
    }
}
