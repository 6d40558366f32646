package io.sluice.gateway.ingest;

import io.sluice.common.event.Dialect;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import java.time.Instant;
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
    private final EventIntake intake;
    private final IngestProperties limits;
    private final IngestMetrics metrics;
    private final KeyRateLimiter rateLimits;

    public IngestController(CcBatchParser parser, EventIntake intake, IngestProperties limits, IngestMetrics metrics,
            KeyRateLimiter rateLimits) {
        this.parser = parser;
        this.intake = intake;
        this.limits = limits;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
    }

    @PostMapping(path = "/v1/ingest", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<IngestResponse> ingest(ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.WRITE_EVENTS);
        JsonContent.require(exchange);
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
                    return intake.store(principal, Dialect.CC, batch.accepted(), batch.raw()).then(Mono.fromSupplier(() -> {
                        batch.problems().forEach(p -> metrics.rejected(Dialect.CC, p.code()));
                        int accepted = batch.accepted().size();
                        return new IngestResponse(accepted, batch.rejected(), batch.sessionId(), batch.requestId(),
                                new IngestResponse.Usage(IngestResponse.credits(accepted)), batch.problems());
                    }));
                });
    }
}
