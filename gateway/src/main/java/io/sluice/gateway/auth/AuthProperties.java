package io.sluice.gateway.auth;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * API key authentication ({@code sluice.auth.*}).
 *
 * @param cacheMaxKeys      most keys (known and unknown) held in memory. Default 100000.
 * @param cacheRefresh      after this age a known key is reloaded in the background while the cached
 *                          value keeps serving, so revocations are seen within about this long.
 *                          Default 30s.
 * @param cacheExpiry       a known key not used for this long is dropped. Default 10m.
 * @param negativeCacheTtl  how long an unknown key is remembered as unknown, so a flood of bad keys
 *                          does not reach the database. Default 30s.
 */
@Validated
@ConfigurationProperties("sluice.auth")
public record AuthProperties(
        @Min(100) long cacheMaxKeys,
        Duration cacheRefresh,
        Duration cacheExpiry,
        Duration negativeCacheTtl) {

    public AuthProperties {
        if (cacheMaxKeys == 0) {
            cacheMaxKeys = 100_000;
        }
        cacheRefresh = cacheRefresh == null ? Duration.ofSeconds(30) : cacheRefresh;
        cacheExpiry = cacheExpiry == null ? Duration.ofMinutes(10) : cacheExpiry;
        negativeCacheTtl = negativeCacheTtl == null ? Duration.ofSeconds(30) : negativeCacheTtl;
    }
}
