package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The search on a simulated target whose p99 rises past the bound above a known rate. */
class RateSearchTest {

    static LoadGenerator.Step step(double rate, double p99Ms) {
        Histogram h = new Histogram(1, LoadGenerator.MAX_LATENCY_US, 3);
        for (int i = 0; i < 1000; i++) {
            h.recordValue((long) (p99Ms * 1000));
        }
        return new LoadGenerator.Step("sim", rate, Duration.ofSeconds(1), 10, 10, 10, 0, 0, Map.of(200, 10L), 0, false, h,
                Duration.ZERO, Duration.ofSeconds(1), new LoadGenerator.Cores(0, 0, null, null, null, null));
    }

    @Test
    void findsTheKnee() {
        RateSearch.Outcome o = RateSearch.search(rate -> step(rate, rate <= 37_000 ? 10 : 200), 5_000, 1e6, 3, 50, s -> { });
        // 5k, 10k, 20k ok; 40k fails (twice); bisection 30k ok, 35k ok, 37.5k fails.
        assertThat(o.maxSustained()).isEqualTo(35_000);
    }

    @Test
    void aSingleSpoiledStepIsRunAgainBeforeTheRateCountsAsFailed() {
        List<Double> runs = new ArrayList<>();
        RateSearch.Outcome o = RateSearch.search(rate -> {
            runs.add(rate);
            // The first run at 20k hits a GC pause; the repeat is clean.
            boolean spoiled = rate == 20_000 && runs.stream().filter(r -> r == 20_000).count() == 1;
            return step(rate, spoiled || rate > 40_000 ? 200 : 10);
        }, 5_000, 1e6, 0, 50, s -> { });
        assertThat(runs).containsSubsequence(20_000.0, 20_000.0, 40_000.0, 80_000.0, 80_000.0);
        assertThat(o.maxSustained()).isEqualTo(40_000);
        assertThat(o.steps()).as("every run is in the outcome, the spoiled one too").hasSize(runs.size());
    }

    @Test
    void startsLowerWhenEvenTheFirstRateFails() {
        RateSearch.Outcome o = RateSearch.search(rate -> step(rate, rate <= 1_500 ? 10 : 200), 5_000, 1e6, 0, 50, s -> { });
        assertThat(o.maxSustained()).isEqualTo(1_250);
    }

    @Test
    void aHoldAtTheFoundRateThatFailsStepsDownByTenthsUntilOneIsSustained() {
        List<Double> holds = new ArrayList<>();
        // The short steps passed 40k; held longer, the target keeps p99 within the bound only to 30k.
        RateSearch.Confirmed c = RateSearch.confirm(rate -> {
            holds.add(rate);
            return step(rate, rate <= 30_000 ? 10 : 80);
        }, 40_000, 50, s -> { });
        assertThat(holds).containsExactly(40_000.0, 40_000.0, 36_000.0, 36_000.0, 32_000.0, 32_000.0, 28_000.0);
        assertThat(c.rate()).isEqualTo(28_000);
        assertThat(c.holds()).hasSize(7);
    }

    @Test
    void aHoldThatPassesConfirmsTheFoundRateAndASpoiledHoldIsRunAgain() {
        assertThat(RateSearch.confirm(rate -> step(rate, 10), 40_000, 50, s -> { }).holds()).hasSize(1);
        List<Double> holds = new ArrayList<>();
        RateSearch.Confirmed c = RateSearch.confirm(rate -> {
            holds.add(rate);
            return step(rate, holds.size() == 1 ? 200 : 10);
        }, 40_000, 50, s -> { });
        assertThat(holds).containsExactly(40_000.0, 40_000.0);
        assertThat(c.rate()).isEqualTo(40_000);
    }

    @Test
    void noHoldSustainedConfirmsNothing() {
        RateSearch.Confirmed c = RateSearch.confirm(rate -> step(rate, 200), 40_000, 50, s -> { });
        assertThat(c.rate()).isZero();
        assertThat(c.holds()).hasSize(2 * RateSearch.CONFIRM_STEPS);
        assertThat(c.holds().getLast().targetEventsPerSecond()).isEqualTo(4_000);
    }
}
