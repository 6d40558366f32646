package io.sluice.gateway.auth;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A stored API key as the gateway needs it: never the key itself, only its hash.
 *
 * @param keyId         {@code key_…} id, safe to log
 * @param projectId     the project (tenant) the key belongs to
 * @param keyHash       SHA-256 hex of the key
 * @param scopes        e.g. {@code write:events}
 * @param revokedAt     set once revoked
 * @param allowedAppIds the project's allowed app ids, or null for any
 */
public record ApiKeyRecord(String keyId, String projectId, String keyHash, Set<String> scopes,
        Instant revokedAt, List<String> allowedAppIds) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
