package io.sluice.gateway.reads;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.web.RequestIds;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads of what the scorer derives from events: one session with its counts
 * ({@code GET /v1/sessions/{id}}) and CanaryHub daily rollups ({@code GET /v1/rollups/daily}).
 * Scope {@code read:alerts}; every query is bound to the key's project.
 */
@RestController
public class ReadsController {

    static final int MAX_RANGE_DAYS = 366;
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;

    private final ReadsRepository repository;
    private final Clock clock;

    public ReadsController(ReadsRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** {@code GET /v1/rollups/daily} answer. */
    public record RollupsResponse(@JsonProperty("app_id") String appId, String from, String to,
            List<ReadsRepository.DailyRollup> rollups, boolean truncated, @JsonProperty("request_id") String requestId) {
    }

    @GetMapping(path = "/v1/sessions/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ReadsRepository.SessionView> session(@PathVariable String id, ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        if (id.isEmpty() || id.length() > 256) {
            throw ApiException.badRequest("invalid_session_id", "Session id must be 1 to 256 characters.");
        }
        return repository.session(principal.projectId(), id, RequestIds.of(exchange))
                .switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.NOT_FOUND, "session_not_found",
                        "No session '" + id + "' in this project (sessions appear once the scorer has stored "
                                + "their first event).")));
    }

    @GetMapping(path = "/v1/rollups/daily", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<RollupsResponse> rollups(@RequestParam(name = "app_id", required = false) String appId,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String name, @RequestParam(required = false) String limit,
            ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        LocalDate last = to == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : date("to", to);
        LocalDate first = from == null ? last.minusDays(29) : date("from", from);
        if (first.isAfter(last)) {
            throw ApiException.badRequest("invalid_range", "from (" + first + ") must not be after to (" + last + ").");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_RANGE_DAYS) {
            throw ApiException.badRequest("invalid_range", "from..to spans more than " + MAX_RANGE_DAYS + " days.");
        }
        int rows = limit == null ? DEFAULT_LIMIT : limit(limit);
        if (appId != null && (appId.isEmpty() || appId.length() > 128)) {
            throw ApiException.badRequest("invalid_app_id", "app_id must be 1 to 128 characters.");
        }
        String requestId = RequestIds.of(exchange);
        return repository.dailyRollups(principal.projectId(), appId, name, first, last, rows + 1).collectList()
                .map(found -> new RollupsResponse(appId, first.toString(), last.toString(),
                        found.size() > rows ? found.subList(0, rows) : found, found.size() > rows, requestId));
    }

    private static LocalDate date(String parameter, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + parameter,
                    parameter + " must be a date as YYYY-MM-DD (UTC days), not '" + value + "'.");
        }
    }

    private static int limit(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("invalid_limit", "limit must be an integer from 1 to " + MAX_LIMIT + ".");
    }
}
