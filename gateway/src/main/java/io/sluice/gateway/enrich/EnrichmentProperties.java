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
 */
@Validated
@ConfigurationProperties("sluice.enrichment")
public record EnrichmentProperties(Boolean userAgent, @Min(1) Integer userAgentCacheSize) {

    public EnrichmentProperties {
        userAgent = userAgent == null || userAgent;
        userAgentCacheSize = userAgentCacheSize == null ? 10_000 : userAgentCacheSize;
    }
}
