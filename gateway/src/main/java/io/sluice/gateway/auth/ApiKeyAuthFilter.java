package io.sluice.gateway.auth;

import io.sluice.common.auth.ApiKeys;
import io.sluice.gateway.error.ApiException;
import org.springframework.core.Ordered;
import io.sluice.gateway.ratelimit.KeyRateLimiter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every API request ({@code /v1/**}, {@code /ingest}, {@code /api/**}) by its key
 * ({@code Authorization: Bearer <key>} or {@code X-API-Key}) and stores the {@link ApiPrincipal}.
 * Actuator and documentation paths are left alone. The key itself is never logged.
 */
@Component
public class ApiKeyAuthFilter implements WebFilter, Ordered {

    public static final String API_KEY_HEADER = "X-API-Key";
    public static final String PROJECT_HEADER = "X-Project-ID";

    private final ApiKeyCache keys;
    private final KeyRateLimiter rateLimits;

    public ApiKeyAuthFilter(ApiKeyCache keys, KeyRateLimiter rateLimits) {
        this.keys = keys;
        this.rateLimits = rateLimits;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isApiPath(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        String key = credential(exchange.getRequest());
        if (key == null) {
            return Mono.error(ApiException.unauthorized("missing_api_key",
                    "API key missing: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."));
        }
        if (key.length() > ApiKeys.MAX_LENGTH) {
            return Mono.error(ApiException.unauthorized("invalid_api_key", "API key invalid."));
        }
        String hash = ApiKeys.hash(key);
        return keys.find(hash)
                .onErrorMap(e -> !(e instanceof ApiException), e -> ApiException.unavailable("key_store_unavailable",
                        "API keys cannot be checked right now; retry shortly.", 5))
                .flatMap(found -> {
                    ApiKeyRecord record = found.orElse(null);
                    if (record == null || !ApiKeys.matches(record.keyHash(), hash)) {
                        return Mono.error(ApiException.unauthorized("invalid_api_key", "API key invalid."));
                    }
                    if (record.revoked()) {
                        return Mono.error(ApiException.unauthorized("revoked_api_key", "API key revoked."));
                    }
                    String project = exchange.getRequest().getHeaders().getFirst(PROJECT_HEADER);
                    if (project != null && !project.equals(record.projectId())) {
                        return Mono.error(new ApiException(HttpStatus.FORBIDDEN, "project_mismatch",
                                "X-Project-ID does not match the API key's project."));
                    }
                    ApiPrincipal principal = ApiPrincipal.of(record);
                    exchange.getAttributes().put(ApiPrincipal.ATTRIBUTE, principal);
                    if (exchange.getRequest().getMethod() == HttpMethod.GET) {
                        // Reads are limited per key too; writes are charged per event by their handler.
                        rateLimits.acquireRead(principal);
                    }
                    return chain.filter(exchange);
                });
    }

    static boolean isApiPath(String path) {
        return path.startsWith("/v1/") || path.equals("/ingest") || path.startsWith("/api/");
    }

    static String credential(ServerHttpRequest request) {
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        String header = request.getHeaders().getFirst(API_KEY_HEADER);
        return header == null || header.isBlank() ? null : header.trim();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
