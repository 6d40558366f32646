package io.sluice.gateway.error;

import java.util.List;
import org.springframework.http.HttpStatus;

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

    private final HttpStatus status;
    private final String reason;
    private final List<FieldProblem> details;
    private final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String reason, String message) {
        this(status, reason, message, List.of(), null);
    }

    public ApiException(HttpStatus status, String reason, String message, List<FieldProblem> details,
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

    public static ApiException unavailable(String reason, String message, long retryAfterSeconds) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, reason, message, List.of(), retryAfterSeconds);
    }

    public HttpStatus status() {
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
