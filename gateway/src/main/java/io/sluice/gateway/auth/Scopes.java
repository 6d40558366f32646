package io.sluice.gateway.auth;

import io.sluice.gateway.error.ApiException;

/** The scopes a key can hold, and the check every endpoint makes. */
public final class Scopes {

    public static final String WRITE_EVENTS = "write:events";
    public static final String READ_ALERTS = "read:alerts";
    public static final String WRITE_ALERTS = "write:alerts";

    private Scopes() {
    }

    /** Throws 403 unless the principal holds {@code scope}. */
    public static void require(ApiPrincipal principal, String scope) {
        if (!principal.scopes().contains(scope)) {
            throw ApiException.forbidden("missing_scope", "This API key lacks the '" + scope + "' scope.");
        }
    }
}
