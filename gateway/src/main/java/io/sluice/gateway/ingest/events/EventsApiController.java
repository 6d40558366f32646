package io.sluice.gateway.ingest.events;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ErrorStyle;
import io.sluice.gateway.ingest.BatchBodyReader;
import io.sluice.gateway.ingest.EventIntake;
import io.sluice.gateway.ingest.IngestMetrics;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.RequestBodyReader;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/v1/events}: CanaryHub and Trenchcoat batches on one path. The body is read
 * once, its dialect decided by {@link EventsDialect}, then the dialect's own rules, limits,
 * success body and error shape apply.
 */
@RestController
public class EventsApiController {

    private final ObjectMapper mapper;
    private final CanaryHubParser canaryHub;
    private final TrenchcoatParser trenchcoat;
    private final EventIntake intake;
    private final IngestProperties limits;
    private final IngestMetrics metrics;
    private final KeyRateLimiter rateLimits;

    public EventsApiController(EventsApiParsers parsers, EventIntake intake, IngestProperties limits,
            IngestMetrics metrics, KeyRateLimiter rateLimits) {
        this.mapper = parsers.mapper();
        this.canaryHub = parsers.canaryHub();
        this.trenchcoat = parsers.trenchcoat();
        this.intake = intake;
        this.limits = limits;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
    }

    /** CanaryHub's only success: 202 {@code {"accepted": n}}. */
    public record CanaryHubAccepted(int accepted) {
    }

    /** Trenchcoat's success: 200 {@code {"data": {"accepted": n, "rejected": m}}}. */
    public record TrenchcoatAccepted(Counts data) {
        public record Counts(int accepted, int rejected) {
        }
    }

    @PostMapping(path = "/api/v1/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<Object>> events(ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        String pinned = principal.eventsDialect();
        if (pinned != null) {
            ErrorStyle.set(exchange, style(pinned));
        }
        Scopes.require(principal, Scopes.WRITE_EVENTS);
        String requestId = RequestIds.of(exchange);
        Instant receivedAt = Instant.now();
        boolean bearer = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION) != null;
        int maxBody = pinned == null ? limits.maxEventsApiBodyBytes() : bodyLimit(pinned);
        int maxEvents = Math.max(limits.canaryhub().maxEvents(), limits.trenchcoat().maxEvents());
        return RequestBodyReader.read(exchange.getRequest(), maxBody, limits.maxDecompressedBytes(maxBody))
                .flatMap(body -> {
                    BatchBodyReader.Batch<JsonNode> raw;
                    try {
                        raw = BatchBodyReader.read(mapper, body, maxEvents, read -> {
                            String dialect = decide(exchange, pinned, read, bearer);
                            return Dialect.CANARYHUB.equals(dialect) ? canaryHub.tooMany() : trenchcoat.tooMany();
                        });
                    } catch (ApiException e) {
                        // Unreadable: the credential header names the dialect; its size limit comes first.
                        String guess = decide(exchange, pinned, List.of(), bearer);
                        checkSize(guess, body.length);
                        throw e;
                    }
                    String dialect = decide(exchange, pinned, raw.events(), bearer);
                    metrics.received(dialect, body.length);
                    checkSize(dialect, body.length);
                    return Dialect.CANARYHUB.equals(dialect)
                            ? canaryHub(principal, raw.events(), requestId, receivedAt)
                            : trenchcoat(principal, raw, requestId, receivedAt);
                });
    }

    private Mono<ResponseEntity<Object>> canaryHub(ApiPrincipal principal, List<JsonNode> events,
            String requestId, Instant receivedAt) {
        List<CanonicalEvent> parsed = canaryHub.parse(events, principal.projectId(), principal.defaultAppId(), requestId,
                receivedAt);
        // The budget is per event; a 429 stores nothing of the request.
        rateLimits.acquireEvents(principal, parsed.size(), limits.canaryhub().eventsPerMinute(),
                limits.canaryhub().burst());
        return intake.store(principal, Dialect.CANARYHUB, parsed)
                .thenReturn(ResponseEntity.status(HttpStatus.ACCEPTED).body(new CanaryHubAccepted(parsed.size())));
    }

    private Mono<ResponseEntity<Object>> trenchcoat(ApiPrincipal principal, BatchBodyReader.Batch<JsonNode> raw,
            String requestId, Instant receivedAt) {
        TrenchcoatParser.Result result = trenchcoat.parse(raw.events(), raw.eventSizes(), principal.projectId(),
                principal.defaultAppId(), requestId, receivedAt);
        rateLimits.acquireEvents(principal, raw.events().size());
        return intake.store(principal, Dialect.TRENCHCOAT, result.accepted()).then(Mono.fromSupplier(() -> {
            result.rejectedReasons().forEach(r -> metrics.rejected(Dialect.TRENCHCOAT, r));
            return ResponseEntity.ok(new TrenchcoatAccepted(new TrenchcoatAccepted.Counts(result.accepted().size(),
                    result.rejectedReasons().size())));
        }));
    }

    private static String decide(ServerWebExchange exchange, String pinned, List<JsonNode> events,
            boolean bearer) {
        String dialect = EventsDialect.decide(pinned, events, bearer);
        ErrorStyle.set(exchange, style(dialect));
        return dialect;
    }

    private void checkSize(String dialect, int length) {
        if (length > bodyLimit(dialect)) {
            throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large", "Request body is larger than "
                    + bodyLimit(dialect) + " bytes (sluice.ingest." + dialect + ".max-body-bytes).");
        }
    }

    private int bodyLimit(String dialect) {
        return Dialect.CANARYHUB.equals(dialect) ? limits.canaryhub().maxBodyBytes() : limits.trenchcoat().maxBodyBytes();
    }

    private static ErrorStyle style(String dialect) {
        return Dialect.CANARYHUB.equals(dialect) ? ErrorStyle.CANARYHUB : ErrorStyle.TRENCHCOAT;
    }

}
