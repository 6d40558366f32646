package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.error.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyRateLimiterTest {

    private static ApiPrincipal key(String id, Integer perMinute, Integer burst) {
        return new ApiPrincipal(id, "p", Set.of("write:events"), null, perMinute, burst, null, "default", null, io.sluice.gateway.privacy.PrivacyPolicy.DEFAULT);
    }

    @Test
    void manyThreadsRacingOnOneKeyNeverTakeMoreThanTheBurst() throws Exception {
        KeyRateLimiter limiter = new KeyRateLimiter(new RateLimitProperties(null, null, null, null, null, null),
                new SimpleMeterRegistry());
        ApiPrincipal key = key("key_race", 1, 1000);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 5_000; i++) {
                    try {
                        limiter.acquireEvents(key, 3);
                        admitted.addAndGet(3);
                    } catch (ApiException e) {
                        assertThat(e.status().value()).isEqualTo(429);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        // 1000 permits, 3 per call: 333 calls fit (999 events); never one more.
        assertThat(admitted.get()).isEqualTo(999);
    }

    @Test
    void retryAfterTellsWhenTheNextPermitsArrive() {
        KeyRateLimiter limiter = new KeyRateLimiter(new RateLimitProperties(null, null, null, null, null, null),
                new SimpleMeterRegistry());
        ApiPrincipal key = key("key_wait", 60, 30);
        limiter.acquireEvents(key, 30);
        assertThatThrownBy(() -> limiter.acquireEvents(key, 1)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(429);
            // One token a second at 60 per minute.
            assertThat(e.retryAfterSeconds()).isEqualTo(1L);
        });
    }

    @Test
    void aMillionDistinctKeysKeepBoundedMemory() {
        KeyRateLimiter limiter = new KeyRateLimiter(
                new RateLimitProperties(null, null, null, null, 1_000, Duration.ofMinutes(10)), new SimpleMeterRegistry());
        for (int i = 0; i < 1_000_000; i++) {
            limiter.acquireEvents(key("key_" + i, null, null), 1);
        }
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(1_000);
    }

    @Test
    void theTrackedKeysGaugeNeverReadsAboveTheBound() {
        // Caffeine evicts on the calling thread (no pool hand-off), so the bound holds after every
        // request, not only once a background task has caught up.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KeyRateLimiter limiter = new KeyRateLimiter(
                new RateLimitProperties(null, null, null, null, 100, Duration.ofMinutes(10)), meters);
        double most = 0;
        for (int i = 0; i < 20_000; i++) {
            limiter.acquireEvents(key("key_" + i, null, null), 1);
            most = Math.max(most, meters.get("sluice_ratelimit_tracked_keys").gauge().value());
        }
        assertThat(most).isEqualTo(100);
    }

    @Test
    void idleLimitersAreEvicted() throws Exception {
        KeyRateLimiter limiter = new KeyRateLimiter(
                new RateLimitProperties(null, null, null, null, 1_000, Duration.ofMillis(50)), new SimpleMeterRegistry());
        limiter.acquireEvents(key("key_idle", null, null), 1);
        assertThat(limiter.trackedKeys()).isEqualTo(1);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (limiter.trackedKeys() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(limiter.trackedKeys()).isZero();
    }
}
