package io.sluice.gateway.error;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.web.RequestIds;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The one place that turns any failure into an HTTP answer: status, JSON body (in the shape of the
 * request's dialect, see {@link ErrorStyle}), {@code Retry-After} and a counted reason ({@code sluice_http_errors_total{status,reason}}). Runs before Spring Boot's
 * default handler, so no client ever sees an HTML page or a stack trace.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    public ApiErrorHandler(ObjectMapper mapper, MeterRegistry meters) {
        this.mapper = mapper;
        this.meters = meters;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ApiException api = toApiException(ex);
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        String requestId = RequestIds.of(exchange);
        // request_id also travels as a key-value pair: a field of its own in structured (JSON) logs.
        if (api.status().is5xxServerError()) {
            log.atWarn().addKeyValue("request_id", requestId)
                    .setCause(api == ex ? null : ex)
                    .log("request_id={} {} {} -> {} {}: {}", requestId, exchange.getRequest().getMethod(),
                            exchange.getRequest().getPath(), api.status().value(), api.reason(), api.getMessage());
        } else if (log.isDebugEnabled()) {
            log.atDebug().addKeyValue("request_id", requestId)
                    .log("request_id={} -> {} {}: {}", requestId, api.status().value(), api.reason(), api.getMessage());
        }
        meters.counter("sluice_http_errors", "status", Integer.toString(api.status().value()),
                "reason", api.reason()).increment();

        response.setStatusCode(api.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (api.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(api.retryAfterSeconds()));
        }
        Object body = ErrorStyle.of(exchange).body(api, requestId);
        DataBuffer buffer = response.bufferFactory().wrap(mapper.writeValueAsBytes(body));
        return response.writeWith(Mono.just(buffer));
    }

    static ApiException toApiException(Throwable ex) {
        if (ex instanceof ApiException api) {
            return api;
        }
        if (ex instanceof DataBufferLimitException) {
            return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large", ex.getMessage());
        }
        if (ex instanceof ServerWebInputException input) {
            return ApiException.badRequest("invalid_request", input.getReason() != null ? input.getReason() : "Bad request");
        }
        if (ex instanceof ResponseStatusException rse) {
            HttpStatusCode code = rse.getStatusCode();
            HttpStatus status = HttpStatus.resolve(code.value());
            if (status == null) {
                status = HttpStatus.INTERNAL_SERVER_ERROR;
            }
            String reason = switch (status) {
                case NOT_FOUND -> "not_found";
                case METHOD_NOT_ALLOWED -> "method_not_allowed";
                case UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
                case NOT_ACCEPTABLE -> "not_acceptable";
                default -> status.is5xxServerError() ? "internal_error" : "invalid_request";
            };
            String message = rse.getReason() != null ? rse.getReason() : status.getReasonPhrase();
            return new ApiException(status, reason, message, List.of(), null);
        }
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "Internal server error. Share the request_id with support.", List.of(), null);
    }
}
