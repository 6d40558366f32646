package io.sluice.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The error body shape each wire dialect's clients expect. {@link ApiErrorHandler} renders every
 * failure in the style of the request's dialect: the status and reason are decided once, only
 * the JSON differs.
 */
public enum ErrorStyle {

    /** {@code {"error": message, "details": [{field, message, code}], "retry_after", "request_id"}}. */
    CC,
    /** The flat dialect: {@code {"error": message, "details": [{field, message, code}]}}. */
    FLAT,
    /** CanaryHub: {@code {"error": message}}. */
    CANARYHUB,
    /** Trenchcoat: {@code {"error": {"code", "message", "details": [{field, message}]}}}. */
    TRENCHCOAT;

    private static final String ATTRIBUTE = ErrorStyle.class.getName();

    /** Records the dialect decided for this request (it wins over the guess of {@link #of}). */
    public static void set(ServerWebExchange exchange, ErrorStyle style) {
        exchange.getAttributes().put(ATTRIBUTE, style);
    }

    /**
     * The style set for the request, else a guess from the path: {@code /ingest} is flat; on
     * {@code /api/v1/events}, before the body is read, a key in {@code X-API-Key} (and no bearer
     * token) means Trenchcoat and anything else CanaryHub (their documented credential headers).
     */
    public static ErrorStyle of(ServerWebExchange exchange) {
        ErrorStyle set = exchange.getAttribute(ATTRIBUTE);
        if (set != null) {
            return set;
        }
        String path = exchange.getRequest().getPath().value();
        if (path.equals("/ingest")) {
            return FLAT;
        }
        if (path.startsWith("/api/")) {
            HttpHeaders headers = exchange.getRequest().getHeaders();
            boolean bearer = headers.getFirst(HttpHeaders.AUTHORIZATION) != null;
            return !bearer && headers.getFirst("X-API-Key") != null ? TRENCHCOAT : CANARYHUB;
        }
        return CC;
    }

    /** The JSON body for {@code e} in this style. */
    public Object body(ApiException e, String requestId) {
        return switch (this) {
            case CC -> new ErrorBody(e.getMessage(), e.details().isEmpty() ? null : e.details(), e.retryAfterSeconds(),
                    requestId);
            case FLAT -> new FlatError(e.getMessage(), e.details());
            case CANARYHUB -> Map.of("error", e.getMessage());
            case TRENCHCOAT -> Map.of("error", new TrenchcoatError(trenchcoatCode(e), e.getMessage(),
                    e.details().stream().map(d -> new TrenchcoatDetail(d.field(), d.message())).toList()));
        };
    }

    static String trenchcoatCode(ApiException e) {
        return switch (e.status().value()) {
            case 400 -> "VALIDATION_ERROR";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 429 -> "RATE_LIMITED";
            case 432 -> "PLAN_LIMIT_EXCEEDED";
            case 503 -> "SERVICE_UNAVAILABLE";
            default -> e.status().is4xxClientError() ? "BAD_REQUEST" : "INTERNAL_ERROR";
        };
    }

    record FlatError(String error, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ApiException.FieldProblem> details) {
    }

    record TrenchcoatError(String code, String message,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TrenchcoatDetail> details) {
    }

    record TrenchcoatDetail(String field, String message) {
    }
}
