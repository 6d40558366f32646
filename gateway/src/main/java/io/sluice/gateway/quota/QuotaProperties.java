package io.sluice.gateway.quota;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Plan quotas ({@code sluice.quota.*}).
 *
 * @param flushInterval how often this replica adds its counted events to PostgreSQL and reads
 *                      back every replica's total. Between flushes a project can overshoot its
 *                      quota by what all replicas accept in one interval. Default 1s.
 */
@ConfigurationProperties("sluice.quota")
public record QuotaProperties(Duration flushInterval) {

    public QuotaProperties {
        flushInterval = flushInterval == null ? Duration.ofSeconds(1) : flushInterval;
    }
}
