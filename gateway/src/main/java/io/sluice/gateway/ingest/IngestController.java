package io.sluice.gateway.ingest;

import io.sluice.common.event.Dialect;
import io.sluice.common.event.EventCodec;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.kafka.EventPublisher;
import io.sluice.gateway.kafka.KafkaProperties;
import io.sluice.gateway.kafka.PublishException;
import io.sluice.gateway.quota.PlanQuota;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/ingest}: decode, validate, hand to Kafka, answer after the ack. Nothing else
 * lives here.
 */
@RestController
public class IngestController {

    private final CcBatchParser parser;
    private final EventPublisher publisher;
    private final EventCodec codec = new EventCodec();
    private final IngestProperties limits;
    private final KafkaProperties kafka;
    private final IngestMetrics metrics;
    private final KeyRateLimiter rateLimits;
    private final PlanQuota quota;

    public IngestController(CcBatchParser parser, EventPublisher publisher, IngestProperties limits,
            KafkaProperties kafka, IngestMetrics metrics, KeyRateLimiter rateLimits, PlanQuota quota) {
        this.rateLimits = rateLimits;
        this.quota = quota;
        this.parser = parser;
        this.publisher = publisher;
        this.limits = limits;
        this.kafka = kafka;
        this.metrics = metrics;
    }

    @PostMapping(path = "/v1/ingest", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<IngestResponse> ingest(ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.WRITE_EVENTS);
        requireJson(exchange);
        String requestId = RequestIds.of(exchange);
        Instant receivedAt = Instant.now();
        return RequestBodyReader.read(exchange.getRequest(), limits.maxBodyBytes(), limits.maxDecompressedBytes())
                .map(body -> {
                    metrics.received(Dialect.CC, body.length);
                    ParsedBatch batch = parser.parse(body, principal.projectId(), requestId, receivedAt);
                    if (!principal.allowsApp(batch.appId())) {
                        throw ApiException.forbidden("app_not_allowed",
                                "app_id '" + batch.appId() + "' is not allowed for this project.");
                    }
                    return batch;
                })
                .flatMap(batch -> {
                    // Charged per event sent, before anything is stored: a 429 stores nothing.
                    rateLimits.acquireEvents(principal, batch.accepted().size() + batch.rejected());
                    return store(principal, batch);
                });
    }

    private Mono<IngestResponse> store(ApiPrincipal principal, ParsedBatch batch) {
        Mono<PlanQuota.Reservation> reservation = batch.accepted().isEmpty() ? Mono.empty()
                : quota.reserve(principal, batch.accepted().size());
        return reservation.flatMap(r -> publisher.publish(KafkaRecords.of(batch.accepted(), kafka.granularity(), codec))
                        .doOnError(e -> r.release())
                        .onErrorMap(PublishException.class, this::toApiException)
                        .thenReturn(r))
                .then(Mono.fromSupplier(() -> {
                            metrics.accepted(Dialect.CC, batch.accepted().size());
                            batch.problems().forEach(p -> metrics.rejected(Dialect.CC, p.code()));
                            int accepted = batch.accepted().size();
                            return new IngestResponse(accepted, batch.rejected(), batch.sessionId(), batch.requestId(),
                                    new IngestResponse.Usage(IngestResponse.credits(accepted)), batch.problems());
                        }));
    }

    private ApiException toApiException(PublishException e) {
        if (e.recordTooLarge()) {
            return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "record_too_large",
                    "The request's events exceed the largest Kafka record ("
                            + kafka.maxRecordBytes() + " bytes); send fewer events per request.", List.of(), null);
        }
        return ApiException.unavailable("kafka_unavailable",
                "Events could not be stored right now (" + e.getMessage() + "); nothing was accepted, retry later.",
                kafka.retryAfter().toSeconds());
    }

    private static void requireJson(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        if (type != null && !MediaType.APPLICATION_JSON.isCompatibleWith(type)
                && !"json".equals(type.getSubtype()) && !type.getSubtype().endsWith("+json")) {
            // 400, not 415: the contract treats a body that cannot be read as the envelope as a bad request.
            throw ApiException.badRequest("invalid_content_type",
                    "Content-Type must be application/json, not " + type + ".");
        }
    }
}
