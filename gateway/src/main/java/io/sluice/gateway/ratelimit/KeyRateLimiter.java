package io.sluice.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.error.ApiException;
import org.springframework.stereotype.Component;

/**
 * One token bucket per API key (and one more for its reads), charged per event: at most
 * {@code burst} events at once, refilled continuously at {@code eventsPerMinute}. Buckets live
 * in a bounded Caffeine cache and are dropped when idle (a returning key starts full).
 * Why not resilience4j's limiter: docs/decisions.md.
 */
@Component
public class KeyRateLimiter {

    private final RateLimitProperties props;
    private final Cache<String, TokenBucket> limiters;

    public KeyRateLimiter(RateLimitProperties props, MeterRegistry meters) {
        this.props = props;
        this.limiters = Caffeine.newBuilder()
                // Housekeeping on the calling thread, not the common pool (docs/decisions.md).
                .executor(Runnable::run)
                .maximumSize(props.maxTrackedKeys())
                .expireAfterAccess(props.idleEviction())
                .build();
        meters.gauge("sluice_ratelimit_tracked_keys", limiters, Cache::estimatedSize);
    }

    /** Takes {@code events} permits for the key's writes, or throws 429 with the wait. */
    public void acquireEvents(ApiPrincipal key, int events) {
        acquireEvents(key, events, props.eventsPerMinute(), props.burst());
    }

    /**
     * Like {@link #acquireEvents(ApiPrincipal, int)} for a dialect with its own default budget
     * (CanaryHub: 60 per minute, burst 120). A key's own limit still wins; a key without one gets
     * a separate bucket per default, so one dialect's traffic never drains another's.
     */
    public void acquireEvents(ApiPrincipal key, int events, int defaultPerMinute, int defaultBurst) {
        int perMinute = key.rateLimitPerMinute() != null ? key.rateLimitPerMinute() : defaultPerMinute;
        int burst = key.rateLimitBurst() != null ? key.rateLimitBurst() : defaultBurst;
        if (events > burst) {
            throw ApiException.rateLimited("Rate limit exceeded. Please reduce request frequency. This request carries "
                    + events + " events but the key's burst is " + burst + " events; send smaller batches.",
                    Math.max(1, (long) Math.ceil(60.0 * burst / perMinute)));
        }
        acquire("w:" + key.keyId() + ":" + perMinute + ":" + burst, perMinute, burst, events);
    }

    /** Takes one permit for a read request, or throws 429 with the wait. */
    public void acquireRead(ApiPrincipal key) {
        acquire("r:" + key.keyId(), props.readsPerMinute(), props.readBurst(), 1);
    }

    private void acquire(String name, int perMinute, int burst, int permits) {
        long now = System.nanoTime();
        TokenBucket bucket = limiters.get(name, n -> new TokenBucket(perMinute, burst, now));
        long nanos = bucket.tryTake(permits, now);
        if (nanos > 0) {
            throw ApiException.rateLimited("Rate limit exceeded. Please reduce request frequency.",
                    Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
        }
    }

    /** Limiters currently held (for tests and the gauge). */
    public long trackedKeys() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }
}
