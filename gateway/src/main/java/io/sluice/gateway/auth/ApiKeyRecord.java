package io.sluice.gateway.auth;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A stored API key as the gateway needs it: never the key itself, only its hash.
 *
 * @param keyId              {@code key_…} id, safe to log
 * @param projectId          the project (tenant) the key belongs to
 * @param keyHash            SHA-256 hex of the key
 * @param scopes             e.g. {@code write:events}
 * @param revokedAt          set once revoked
 * @param allowedAppIds      the project's allowed app ids, or null for any
 * @param rateLimitPerMinute the key's own events per minute, or null for the default
 * @param rateLimitBurst     the key's own burst, or null for the default
 * @param monthlyQuota       the project's monthly event quota, or null for unlimited
 * @param defaultAppId       the project's app id for dialects that carry none
 * @param eventsDialect      the dialect the project pinned for {@code /api/v1/events}, or null
 * @param privacy            the project's privacy policy
 */
public record ApiKeyRecord(String keyId, String projectId, String keyHash, Set<String> scopes,
        Instant revokedAt, List<String> allowedAppIds, Integer rateLimitPerMinute, Integer rateLimitBurst,
        Long monthlyQuota, String defaultAppId, String eventsDialect,
        io.sluice.gateway.privacy.PrivacyPolicy privacy) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
