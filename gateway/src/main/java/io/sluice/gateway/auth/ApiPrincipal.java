package io.sluice.gateway.auth;

import io.sluice.gateway.privacy.PrivacyPolicy;
import java.util.List;
import java.util.Set;
import org.springframework.web.server.ServerWebExchange;

/**
 * The authenticated caller of a request. Held in an exchange attribute by {@link ApiKeyAuthFilter}.
 *
 * @param rateLimitPerMinute key's own limit or null for the default
 * @param rateLimitBurst     key's own burst or null for the default
 * @param monthlyQuota       project's monthly event quota or null for unlimited
 * @param defaultAppId       project's app id for dialects that carry none
 * @param eventsDialect      dialect pinned for {@code /api/v1/events}, or null to detect it
 * @param privacy            the project's privacy policy, applied before events leave the gateway
 */
public record ApiPrincipal(String keyId, String projectId, Set<String> scopes, List<String> allowedAppIds,
        Integer rateLimitPerMinute, Integer rateLimitBurst, Long monthlyQuota, String defaultAppId,
        String eventsDialect, PrivacyPolicy privacy) {

    public static final String ATTRIBUTE = ApiPrincipal.class.getName();

    static ApiPrincipal of(ApiKeyRecord r) {
        return new ApiPrincipal(r.keyId(), r.projectId(), r.scopes(), r.allowedAppIds(), r.rateLimitPerMinute(),
                r.rateLimitBurst(), r.monthlyQuota(), r.defaultAppId(), r.eventsDialect(), r.privacy());
    }

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
