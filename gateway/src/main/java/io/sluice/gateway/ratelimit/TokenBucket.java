package io.sluice.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A lock-free token bucket: holds at most {@code burst} tokens and refills continuously at
 * {@code perMinute / 60} tokens per second. Taking tokens is one compare-and-set on an immutable
 * state, retried at once when another thread won (never a park or a spin hint), so it is safe on an event loop and never admits
 * more than the tokens present, however many threads race.
 */
final class TokenBucket {

    private record State(double tokens, long updatedNanos) {
    }

    private final double burst;
    private final double tokensPerNano;
    private final AtomicReference<State> state;

    TokenBucket(int perMinute, int burst, long nowNanos) {
        this.burst = burst;
        this.tokensPerNano = perMinute / 60e9;
        this.state = new AtomicReference<>(new State(burst, nowNanos));
    }

    /**
     * Takes {@code n} tokens if present. Returns 0 when taken, else the nanoseconds until they
     * would be (nothing is taken then).
     */
    long tryTake(int n, long nowNanos) {
        while (true) {
            State s = state.get();
            long elapsed = Math.max(0, nowNanos - s.updatedNanos());
            double tokens = Math.min(burst, s.tokens() + elapsed * tokensPerNano);
            if (tokens < n) {
                return (long) Math.ceil((n - tokens) / tokensPerNano);
            }
            if (state.compareAndSet(s, new State(tokens - n, Math.max(nowNanos, s.updatedNanos())))) {
                return 0;
            }
            // Lost the race: another thread took tokens. Retry at once; no spin hint (BlockHound
            // treats Thread.onSpinWait as blocking on an event loop) and no park.
        }
    }
}
