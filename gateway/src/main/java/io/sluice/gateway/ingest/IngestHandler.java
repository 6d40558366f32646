package io.sluice.gateway.ingest;

import io.sluice.common.event.Dialect;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /v1/ingest}: decode, validate, hand to Kafka, answer after the ack. Nothing else
 * lives here. A functional handler ({@link IngestConfiguration#ingestRoute}) rather than an
 * annotated controller, because this route carries nearly all of the gateway's traffic and the
 * annotated dispatch (mapping conditions, argument resolution, return-value encoding) cost CPU on
 * every request (docs/decisions.md). It answers as the annotated one did: 405 for another method,
 * 406 when the client accepts no JSON, errors through the same {@code ApiErrorHandler}.
 */
@Component
public class IngestHandler {

    static final String PATH = "/v1/ingest";
    private static final Set<HttpMethod> ALLOWED = Set.of(HttpMethod.POST);

    private final CcBatchParser parser;
    private final EventIntake intake;
    private final IngestProperties limits;
    private final IngestMetrics metrics;
    private final KeyRateLimiter rateLimits;
    private final ObjectMapper mapper;

    public IngestHandler(CcBatchParser parser, EventIntake intake, IngestProperties limits, IngestMetrics metrics,
            KeyRateLimiter rateLimits, ObjectMapper mapper) {
        this.parser = parser;
        this.intake = intake;
        this.limits = limits;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
        this.mapper = mapper;
    }

    public Mono<ServerResponse> ingest(ServerRequest request) {
        ServerWebExchange exchange = request.exchange();
        if (request.method() == HttpMethod.OPTIONS) {
            return ServerResponse.ok().allow(HttpMethod.POST, HttpMethod.OPTIONS).build();
        }
        if (request.method() != HttpMethod.POST) {
            throw new MethodNotAllowedException(request.method(), ALLOWED);
        }
        requireJsonAccepted(request.headers().asHttpHeaders());
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
                })
                .flatMap(this::answer);
    }

    /** The response as JSON bytes written straight to the connection: no encoder is looked up per request. */
    private Mono<ServerResponse> answer(IngestResponse response) {
        byte[] json = mapper.writeValueAsBytes(response);
        BodyInserter<byte[], ServerHttpResponse> body = (out, context) -> out.writeWith(Mono.just(out.bufferFactory().wrap(json)));
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** 406 unless the client accepts JSON; no Accept header accepts anything. */
    static void requireJsonAccepted(HttpHeaders headers) {
        List<String> accept = headers.get(HttpHeaders.ACCEPT);
        if (accept == null || accept.isEmpty()) {
            return;
        }
        if (accept.size() == 1 && ("*/*".equals(accept.get(0)) || MediaType.APPLICATION_JSON_VALUE.equals(accept.get(0)))) {
            return;
        }
        List<MediaType> acceptable;
        try {
            acceptable = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException e) {
            throw new NotAcceptableStatusException("Could not parse 'Accept' header: " + e.getMessage());
        }
        for (MediaType type : acceptable) {
            if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                return;
            }
        }
        throw new NotAcceptableStatusException(List.of(MediaType.APPLICATION_JSON));
    }
}
