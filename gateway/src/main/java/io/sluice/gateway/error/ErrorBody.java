package io.sluice.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The JSON body of every error answer: {@code {"error": ..., "details": [...], ...}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
        String error,
        List<ApiException.FieldProblem> details,
        @JsonProperty("retry_after") Long retryAfter,
        @JsonProperty("request_id") String requestId) {
}
