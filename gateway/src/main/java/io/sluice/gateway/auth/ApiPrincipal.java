package io.sluice.gateway.auth;

import java.util.List;
import java.util.Set;
import org.springframework.web.server.ServerWebExchange;

/** The authenticated caller of a request. Held in an exchange attribute by {@link ApiKeyAuthFilter}. */
public record ApiPrincipal(String keyId, String projectId, Set<String> scopes, List<String> allowedAppIds) {

    public static final String ATTRIBUTE = ApiPrincipal.class.getName();

    /** The principal of an authenticated exchange. */
    public static ApiPrincipal of(ServerWebExchange exchange) {
        ApiPrincipal principal = exchange.getAttribute(ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("no authenticated principal on " + exchange.getRequest().getPath());
        }
        return principal;
    }

    public boolean allowsApp(String appId) {
        return allowedAppIds == null || allowedAppIds.contains(appId);
    }
}
