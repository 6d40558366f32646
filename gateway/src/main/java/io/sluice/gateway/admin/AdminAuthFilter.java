package io.sluice.gateway.admin;

import io.sluice.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Guards {@code /admin/**} with the configured admin token, compared in constant time. */
@Component
public class AdminAuthFilter implements WebFilter, Ordered {

    private final byte[] token;

    public AdminAuthFilter(AdminProperties props) {
        this.token = props.token() == null || props.token().isBlank() ? null
                : props.token().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/admin/")) {
            return chain.filter(exchange);
        }
        if (token == null) {
            return Mono.error(ApiException.unauthorized("admin_disabled",
                    "The admin API is disabled: set SLUICE_ADMIN_TOKEN to enable it."));
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            return Mono.error(ApiException.unauthorized("invalid_admin_token",
                    "Admin token missing or invalid: send 'Authorization: Bearer <SLUICE_ADMIN_TOKEN>'."));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
