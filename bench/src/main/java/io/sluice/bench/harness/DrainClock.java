package io.sluice.bench.harness;

import java.time.Duration;

/**
 * Times the scorer's drain of a backlog from samples of two of its counters: records its consumer
 * handed over and events it stored. The clock starts at the sample before the first consumed
 * record (so the consumer re-joining its group after the freeze is not counted, but the first
 * poll's decoding and storing is) and stops at the sample where the stored count last grew.
 *
 * <p>Until 2026-11-30 the clock started at the sample before the first stored events: the
 * scorer counts a poll's events only once the whole poll is stored, so the first poll's time was
 * left out while its events were counted — a few percent with polls of 2,000 single events, and a
 * rate of millions when one poll held the whole backlog.
 */
final class DrainClock {

    private final long consumedBefore;
    private final long storedBefore;
    private long previousAt;
    private long startedAt = -1;
    private long lastChangeAt;
    private long stored;

    /** The counters as read before the scorer was frozen, and the time the drain began. */
    DrainClock(long consumedBefore, long storedBefore, long resumedAt) {
        this.consumedBefore = consumedBefore;
        this.storedBefore = storedBefore;
        this.previousAt = resumedAt;
        this.lastChangeAt = resumedAt;
    }

    /** One sample of both counters (totals since the scorer started), taken at {@code at}. */
    void sample(long at, long consumedTotal, long storedTotal) {
        if (startedAt < 0 && (consumedTotal > consumedBefore || storedTotal > storedBefore)) {
            startedAt = previousAt;
        }
        long nowStored = storedTotal - storedBefore;
        if (nowStored != stored) {
            stored = nowStored;
            lastChangeAt = at;
        }
        previousAt = at;
    }

    /** Whether the first records were consumed (or events stored); the consumed count matters only until then. */
    boolean started() {
        return startedAt >= 0;
    }

    /** Events stored since the drain began. */
    long stored() {
        return stored;
    }

    /** When the stored count last grew (nanoTime), or when the drain began if it never did. */
    long lastChangeAt() {
        return lastChangeAt;
    }

    /** From the sample before the first consumed record to the last growth; zero if nothing was stored. */
    Duration elapsed() {
        return startedAt < 0 || stored == 0 ? Duration.ZERO : Duration.ofNanos(lastChangeAt - startedAt);
    }

    /** Events stored per second of {@link #elapsed()}; zero if nothing was stored. */
    double eventsPerSecond() {
        Duration elapsed = elapsed();
        return elapsed.isZero() ? 0 : stored / (elapsed.toNanos() / 1e9);
    }
}
