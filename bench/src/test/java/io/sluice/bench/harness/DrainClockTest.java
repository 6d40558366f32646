package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainClockTest {

    private static final long MS = 1_000_000;

    @Test
    void timesFromTheSampleBeforeTheFirstConsumedRecordsToTheLastStoredGrowth() {
        DrainClock clock = new DrainClock(500, 10_000, 0);
        clock.sample(50 * MS, 500, 10_000);   // re-joining its group
        clock.sample(100 * MS, 500, 10_000);
        clock.sample(150 * MS, 2_500, 10_000); // first poll handed over; clock starts at 100 ms
        clock.sample(400 * MS, 4_500, 12_000);
        clock.sample(600 * MS, 6_000, 16_000); // last growth
        clock.sample(650 * MS, 6_000, 16_000);

        assertThat(clock.stored()).isEqualTo(6_000);
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(500));
        assertThat(clock.eventsPerSecond()).isEqualTo(12_000.0);
    }

    @Test
    void aBacklogStoredInOnePollIsTimedFromItsConsumptionNotFromTheJump() {
        DrainClock clock = new DrainClock(0, 0, 0);
        clock.sample(50 * MS, 2_440, 0);     // every record in one poll
        clock.sample(3_000 * MS, 2_440, 0);
        clock.sample(3_050 * MS, 2_440, 122_000);

        // The old clock started at 3,000 ms: 122,000 events in 50 ms, 2.4 million a second.
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(3_050));
        assertThat(clock.eventsPerSecond()).isEqualTo(122_000 / 3.05);
    }

    @Test
    void withoutTheConsumedCountItStartsAtTheSampleBeforeTheFirstStoredEvents() {
        DrainClock clock = new DrainClock(0, 0, 0);
        clock.sample(50 * MS, 0, 0);
        clock.sample(100 * MS, 0, 1_000);
        clock.sample(150 * MS, 0, 2_000);

        assertThat(clock.started()).isTrue();
        assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void nothingStoredIsNoRate() {
        DrainClock clock = new DrainClock(0, 0, 0);
        clock.sample(50 * MS, 10, 0);
        clock.sample(100 * MS, 10, 0);

        assertThat(clock.stored()).isZero();
        assertThat(clock.elapsed()).isZero();
        assertThat(clock.eventsPerSecond()).isZero();
    }
}
