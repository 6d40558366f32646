package io.sluice.gateway.ingest.flat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ErrorStyle;
import io.sluice.gateway.ingest.EventIntake;
import io.sluice.gateway.ingest.IngestMetrics;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.RequestBodyReader;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /ingest}: one flat analytics event per request, answered
 * {@code {"status":"success","eventId":...}} once Kafka has it. Resending the same
 * {@code event_id} succeeds again and is stored once (docs/api.md).
 */
@RestController
public class FlatIngestController {

    private final FlatEventParser parser;
    private final EventIntake intake;
    private final IngestProperties limits;
    private final IngestMetrics metrics;
    private final KeyRateLimiter rateLimits;

    public FlatIngestController(FlatEventParser parser, EventIntake intake, IngestProperties limits,
            IngestMetrics metrics, KeyRateLimiter rateLimits) {
        this.parser = parser;
        this.intake = intake;
        this.limits = limits;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
    }

    /** The seed's success body. */
    public record FlatResponse(String status, @JsonProperty("eventId") String eventId) {
    }

    @PostMapping(path = "/ingest", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<FlatResponse> ingest(ServerWebExchange exchange) {
        ErrorStyle.set(exchange, ErrorStyle.FLAT);
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.WRITE_EVENTS);
        String requestId = RequestIds.of(exchange);
        Instant receivedAt = Instant.now();
        int maxBody = limits.flat().maxBodyBytes();
        return RequestBodyReader.read(exchange.getRequest(), maxBody, limits.maxDecompressedBytes(maxBody))
                .map(body -> {
                    metrics.received(Dialect.FLAT, body.length);
                    try {
                        return parser.parse(body, principal.projectId(), principal.defaultAppId(), requestId, receivedAt);
                    } catch (RuntimeException e) {
                        metrics.rejected(Dialect.FLAT, "invalid_event");
                        throw e;
                    }
                })
                .flatMap(event -> {
                    rateLimits.acquireEvents(principal, 1);
                    return intake.store(principal, Dialect.FLAT, List.of(event))
                            .thenReturn(new FlatResponse("success", clientEventId(event)));
                });
    }

    private static String clientEventId(CanonicalEvent event) {
        return event.payload().get("client_event_id").stringValue();
    }
}
