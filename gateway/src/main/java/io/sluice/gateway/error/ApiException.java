package io.sluice.gateway.error;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/**
 * A failure with a known HTTP answer. Everything the gateway rejects is thrown as one of these (or
 * mapped to one by {@link ApiErrorHandler}), so status, body and metric tag are decided in one
 * place.
 *
 * @param status       HTTP status
 * @param reason       stable machine-readable reason, used as the metric tag
 * @param details      optional per-field problems
 * @param retryAfterSeconds for 429/503: seconds the client should wait, else null
 */
public class ApiException extends RuntimeException {

    private final HttpStatusCode status;
    private final String reason;
    private final List<FieldProblem> details;
    private final Long retryAfterSeconds;

    public ApiException(HttpStatusCode status, String reason, String message) {
        this(status, reason, message, List.of(), null);
    }

    public ApiException(HttpStatusCode status, String reason, String message, List<FieldProblem> details,
            Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String reason, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, reason, message);
    }

    public static ApiException badRequest(String message, List<FieldProblem> details) {
        return new ApiException(HttpStatus.BAD_REQUEST, details.isEmpty() ? "invalid_request" : details.get(0).code(),
                message, details, null);
    }

    public static ApiException unauthorized(String reason, String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, reason, message);
    }

    public static ApiException forbidden(String reason, String message) {
        return new ApiException(HttpStatus.FORBIDDEN, reason, message);
    }

    /** 429: over the key's rate limit. */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", message, List.of(), retryAfterSeconds);
    }

    /** 432: the project's plan quota is used up (the CC contract's own status code). */
    public static ApiException planLimitExceeded(String message) {
        return new ApiException(HttpStatusCode.valueOf(432), "plan_limit_exceeded", message);
    }

    public static ApiException unavailable(String reason, String message, long retryAfterSeconds) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, reason, message, List.of(), retryAfterSeconds);
    }

    public HttpStatusCode status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public List<FieldProblem> details() {
        return details;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** One problem with one field of the request. */
    public record FieldProblem(String field, String message, String code) {
    }
}
