package io.sluice.gateway.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.common.alert.Alert;
import io.sluice.common.alert.AlertChange;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import io.sluice.gateway.web.RequestIds;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The alert API for agents ({@code ../shared/api/cc-alerts.md}): list, one alert with its
 * timeline and signals, acknowledge and resolve, and the signals every recommended action points
 * to. Reads need {@code read:alerts}, moves {@code write:alerts}; every query is bound to the key's
 * project, so another project's alert is simply not found.
 */
@RestController
public class AlertsController {

    private final AlertsRepository alerts;
    private final KeyRateLimiter rateLimits;
    private final Clock clock;

    public AlertsController(AlertsRepository alerts, KeyRateLimiter rateLimits, Clock clock) {
        this.alerts = alerts;
        this.rateLimits = rateLimits;
        this.clock = clock;
    }

    /** The seed's response plus {@code next_cursor} when there is another page. */
    public record AlertList(List<Alert> alerts, long total, @JsonProperty("request_id") String requestId, Usage usage,
            @JsonProperty("next_cursor") @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {
    }

    /** {@code GET /v1/signals} response. */
    public record SignalList(List<tools.jackson.databind.JsonNode> signals, @JsonProperty("request_id") String requestId,
            Usage usage) {
    }

    /** One credit per read request. */
    public record Usage(int credits) {
    }

    @GetMapping(path = "/v1/alerts", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<AlertList> list(@RequestParam(name = "app_id", required = false) String appId,
            @RequestParam(required = false) String status, @RequestParam(required = false) String severity,
            @RequestParam(required = false) String from, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        AlertQuery q = AlertQuery.parse(appId, status, severity, from, limit, cursor, clock);
        String requestId = RequestIds.of(exchange);
        return alerts.list(principal.projectId(), q)
                .map(p -> new AlertList(p.alerts(), p.total(), requestId, new Usage(1), p.nextCursor()));
    }

    // The body is built as a tree; documented as an object, since springdoc's bean introspection
    // of ObjectNode fails (a warning with a stack trace at every startup).
    @ApiResponse(responseCode = "200", description = "The alert with its timeline and signals (docs/api.md)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
    @GetMapping(path = "/v1/alerts/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ObjectNode> one(@PathVariable String id, ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        String requestId = RequestIds.of(exchange);
        return alerts.find(principal.projectId(), id)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .flatMap(alert -> alerts.timeline(principal.projectId(), id).collectList()
                        .zipWith(alerts.signalsById(principal.projectId(), alert.signalIds()).collectList())
                        .map(t -> {
                            ObjectNode body = AlertRows.JSON.valueToTree(alert);
                            ArrayNode timeline = body.putArray("timeline");
                            for (AlertChange c : t.getT1()) {
                                ObjectNode entry = timeline.addObject();
                                entry.put("change_id", c.changeId());
                                entry.put("kind", c.kind());
                                entry.put("changed_at", c.changedAt().toString());
                                entry.put("status", c.alert().status());
                                if (c.report() != null) {
                                    entry.set("report", c.report());
                                }
                            }
                            ArrayNode signals = body.putArray("signals");
                            t.getT2().forEach(signals::add);
                            body.put("request_id", requestId);
                            return body;
                        }));
    }

    @ApiResponse(responseCode = "200", description = "The alert after the change (docs/api.md)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
    @PostMapping(path = "/v1/alerts/{id}/acknowledge", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ObjectNode> acknowledge(@PathVariable String id, ServerWebExchange exchange) {
        return move(id, "acknowledge", exchange);
    }

    @ApiResponse(responseCode = "200", description = "The alert after the change (docs/api.md)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object")))
    @PostMapping(path = "/v1/alerts/{id}/resolve", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ObjectNode> resolve(@PathVariable String id, ServerWebExchange exchange) {
        return move(id, "resolve", exchange);
    }

    private Mono<ObjectNode> move(String id, String action, ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.WRITE_ALERTS);
        rateLimits.acquireRead(principal);
        String requestId = RequestIds.of(exchange);
        return alerts.move(principal.projectId(), id, action, principal.keyId())
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .map(a -> {
                    ObjectNode body = AlertRows.JSON.valueToTree(a);
                    body.put("request_id", requestId);
                    return body;
                });
    }

    @GetMapping(path = "/v1/signals", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<SignalList> signals(@RequestParam(required = false) String type,
            @RequestParam(name = "app_id", required = false) String appId,
            @RequestParam(name = "app_version", required = false) String appVersion,
            @RequestParam(name = "os_version", required = false) String osVersion,
            @RequestParam(required = false) String platform, @RequestParam(required = false) String name,
            @RequestParam(required = false) String from, @RequestParam(required = false) String limit,
            ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        SignalsQuery q = SignalsQuery.parse(type, appId, appVersion, osVersion, platform, name, from, limit, clock);
        String requestId = RequestIds.of(exchange);
        return alerts.signals(principal.projectId(), q).collectList()
                .map(list -> new SignalList(list, requestId, new Usage(1)));
    }

    private static ApiException notFound(String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "alert_not_found", "No alert '" + id + "' in this project.");
    }
}
