package io.sluice.gateway.ratelimit;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Per-key rate limits ({@code sluice.ratelimit.*}). Limits hold per gateway replica: with N
 * replicas behind a load balancer a key can get up to N times these numbers (docs/api.md).
 *
 * @param eventsPerMinute      events a key may send per minute unless the key sets its own.
 *                             Default 60000.
 * @param burst                most events a key may send at once unless the key sets its own.
 *                             Default 10000.
 * @param readsPerMinute       read requests (GET) a key may make per minute. Default 600.
 * @param readBurst            most read requests at once. Default 100.
 * @param maxTrackedKeys       most keys with a limiter in memory; the least recently used go
 *                             first. Default 100000.
 * @param idleEviction         a key's limiter is dropped after this long unused (it starts full
 *                             again). Default 10m.
 */
@Validated
@ConfigurationProperties("sluice.ratelimit")
public record RateLimitProperties(
        @Min(1) Integer eventsPerMinute,
        @Min(1) Integer burst,
        @Min(1) Integer readsPerMinute,
        @Min(1) Integer readBurst,
        @Min(100) Integer maxTrackedKeys,
        Duration idleEviction) {

    public RateLimitProperties {
        eventsPerMinute = eventsPerMinute == null ? 60_000 : eventsPerMinute;
        burst = burst == null ? 10_000 : burst;
        readsPerMinute = readsPerMinute == null ? 600 : readsPerMinute;
        readBurst = readBurst == null ? 100 : readBurst;
        maxTrackedKeys = maxTrackedKeys == null ? 100_000 : maxTrackedKeys;
        idleEviction = idleEviction == null ? Duration.ofMinutes(10) : idleEviction;
    }
}
