package io.sluice.gateway.enrich;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Event enrichment ({@code sluice.enrichment.*}).
 *
 * @param userAgent          fill missing browser/OS/type fields of the device block from its
 *                           {@code user_agent}. Default true.
 * @param userAgentCacheSize parsed user agents kept in memory. Default 10000.
 * @param geoipDatabase      path of a MaxMind DB file (GeoLite2 City or DB-IP Lite City) used to
 *                           fill missing location fields from {@code location.ip_address}. Default
 *                           unset: geo enrichment off, with one warning at startup.
 * @param clientAddress      when an event's location has no {@code ip_address}, look up the
 *                           request's client address instead: {@code none} (default),
 *                           {@code connection} (the TCP peer) or {@code forwarded} (the first
 *                           {@code X-Forwarded-For} entry, for a trusted proxy; else the peer).
 *                           The address fills geo fields and is not stored.
 */
@Validated
@ConfigurationProperties("sluice.enrichment")
public record EnrichmentProperties(Boolean userAgent, @Min(1) Integer userAgentCacheSize, String geoipDatabase,
        @jakarta.validation.constraints.Pattern(regexp = "none|connection|forwarded") String clientAddress) {

    public EnrichmentProperties {
        userAgent = userAgent == null || userAgent;
        userAgentCacheSize = userAgentCacheSize == null ? 10_000 : userAgentCacheSize;
        clientAddress = clientAddress == null ? "none" : clientAddress;
    }
}
