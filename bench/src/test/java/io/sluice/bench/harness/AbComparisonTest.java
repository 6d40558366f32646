package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.bench.harness.BenchMain.Latency;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of an A/B comparison: pairing, quotients, medians and the sign test. */
class AbComparisonTest {

    private static AbComparison.Hold hold(String build, int pair, double micros, double p99) {
        return new AbComparison.Hold(build, pair, new Latency(100_000, 1000, 3, p99, p99 * 2, p99 * 3, null, null, null),
                micros);
    }

    /** Pairs of (A, B) CPU per event, holds listed in the order the harness runs them. */
    private static List<AbComparison.Hold> holds(double... aThenB) {
        List<AbComparison.Hold> holds = new ArrayList<>();
        for (int i = 0; i < aThenB.length / 2; i++) {
            int pair = i + 1;
            for (String build : AbComparison.order(pair)) {
                double micros = build.equals("A") ? aThenB[2 * i] : aThenB[2 * i + 1];
                holds.add(hold(build, pair, micros, build.equals("A") ? 20 + pair : 10 + pair));
            }
        }
        return holds;
    }

    @Test
    void pairsAlternateWhichBuildRunsFirstSoADriftingMachineFavoursNeither() {
        assertThat(AbComparison.order(1)).containsExactly("A", "B");
        assertThat(AbComparison.order(2)).containsExactly("B", "A");
        assertThat(AbComparison.order(3)).containsExactly("A", "B");
        assertThat(AbComparison.order(4)).containsExactly("B", "A");
    }

    @Test
    void signTestGivesTheTwoSidedProbabilityOfASplitAtLeastThisUneven() {
        assertThat(AbComparison.signTestP(6, 6)).isCloseTo(2.0 / 64, within(1e-12));
        assertThat(AbComparison.signTestP(0, 6)).isCloseTo(2.0 / 64, within(1e-12));
        assertThat(AbComparison.signTestP(5, 6)).isCloseTo(2.0 * 7 / 64, within(1e-12));
        assertThat(AbComparison.signTestP(3, 6)).isEqualTo(1.0);
        assertThat(AbComparison.signTestP(8, 8)).isCloseTo(2.0 / 256, within(1e-12));
        assertThat(AbComparison.signTestP(4, 4)).isCloseTo(0.125, within(1e-12));
        assertThat(AbComparison.signTestP(0, 0)).isEqualTo(1.0);
    }

    @Test
    void theGeometricMeanOfThePairsQuotientsComesWithA95PercentInterval() {
        AbComparison.Result r = AbComparison.of("a.jar", "b.jar", 100_000, 30,
                holds(8.0, 7.6, 9.0, 8.1, 7.0, 6.93, 10.0, 9.5, 8.0, 7.2, 12.0, 11.4));

        assertThat(r.cpuRatios()).hasSize(6);
        assertThat(r.cpuRatios().get(0)).isCloseTo(0.95, within(1e-9));
        // exp(mean of ln q) and exp(mean ± t(0.975, 5) · sd / √6), t = 2.571
        assertThat(r.meanCpuRatio()).isCloseTo(0.93947, within(1e-5));
        assertThat(r.lowCpuRatio()).isCloseTo(0.90379, within(1e-5));
        assertThat(r.highCpuRatio()).isCloseTo(0.97655, within(1e-5));
        assertThat(r.minCpuRatio()).isCloseTo(0.9, within(1e-9));
        assertThat(r.maxCpuRatio()).isCloseTo(0.99, within(1e-9));
        // Ratios sorted: 0.90 0.90 0.95 0.95 0.95 0.99; the median is the mean of the middle two.
        assertThat(r.medianCpuRatio()).isCloseTo(0.95, within(1e-9));
        assertThat(r.pairsBCheaper()).isEqualTo(6);
        assertThat(r.pairsACheaper()).isZero();
        assertThat(r.signTestP()).isCloseTo(2.0 / 64, within(1e-12));
        assertThat(r.medianCpuA()).isCloseTo(8.5, within(1e-9));
        assertThat(r.medianCpuB()).isCloseTo((7.6 + 8.1) / 2, within(1e-9));
        assertThat(r.medianP99A()).isCloseTo(23.5, within(1e-9));
        assertThat(r.medianP99B()).isCloseTo(13.5, within(1e-9));
        assertThat(r.verdict()).isEqualTo("B CHEAPER: CPU per event B/A -6.1 % (geometric mean of 6 pairs; 95 % confidence"
                + " -9.6 % to -2.3 %); median -5.0 %, range -10.0 % to -1.0 %; B cheaper in 6 of 6 pairs, A in 0"
                + " (sign test p = 0.031)");
    }

    @Test
    void anIntervalThatHoldsNoDifferenceIsNotResolved() {
        // Quotients 0.875 0.90 1.10 0.95 1.05: the interval runs from -14.1 % to +9.7 %.
        AbComparison.Result r = AbComparison.of("a.jar", "b.jar", 100_000, 30,
                holds(8.0, 7.0, 8.0, 7.2, 8.0, 8.8, 8.0, 7.6, 8.0, 8.4));
        assertThat(r.lowCpuRatio()).isCloseTo(0.85948, within(1e-5));
        assertThat(r.highCpuRatio()).isCloseTo(1.09745, within(1e-5));
        assertThat(r.verdict()).startsWith("NOT RESOLVED: CPU per event B/A -2.9 % (geometric mean of 5 pairs;"
                + " 95 % confidence -14.1 % to +9.7 %)").endsWith("so more pairs or a larger change are needed");
    }

    @Test
    void aConsistentlyDearerBIsCalledSoAndOnePairCallsNothing() {
        AbComparison.Result r = AbComparison.of("a.jar", "b.jar", 100_000, 30, holds(8.0, 8.8, 8.0, 8.8, 8.0, 8.8, 8.0, 8.8));
        assertThat(r.pairsACheaper()).isEqualTo(4);
        assertThat(r.verdict()).startsWith("A CHEAPER: CPU per event B/A +10.0 % (geometric mean of 4 pairs;"
                + " 95 % confidence +10.0 % to +10.0 %)");
        AbComparison.Result one = AbComparison.of("a.jar", "b.jar", 100_000, 30, holds(8.0, 4.0));
        assertThat(one.meanCpuRatio()).isEqualTo(0.5);
        assertThat(one.lowCpuRatio()).isZero();
        assertThat(one.verdict()).startsWith("NOT RESOLVED: CPU per event B/A -50.0 % (geometric mean of 1 pair;"
                + " no confidence interval from one pair)");
    }

    @Test
    void aSplitDecisionIsNotResolvedAndTiesCountForNeither() {
        AbComparison.Result r = AbComparison.of("a.jar", "b.jar", 100_000, 30,
                holds(8.0, 7.0, 8.0, 9.0, 8.0, 8.0, 8.0, 7.5, 8.0, 8.5));
        assertThat(r.pairsBCheaper()).isEqualTo(2);
        assertThat(r.pairsACheaper()).isEqualTo(2);
        assertThat(r.signTestP()).isEqualTo(1.0);
        assertThat(r.medianCpuRatio()).isEqualTo(1.0);
        assertThat(r.verdict()).startsWith("NOT RESOLVED");
    }

    @Test
    void aHoldThatAcknowledgedNothingLeavesItsPairOut() {
        AbComparison.Result r = AbComparison.of("a.jar", "b.jar", 100_000, 30, holds(8.0, 0, 8.0, 7.0));
        assertThat(r.cpuRatios()).containsExactly(7.0 / 8.0);
        AbComparison.Result none = AbComparison.of("a.jar", "b.jar", 100_000, 30, holds(0, 7.0));
        assertThat(none.cpuRatios()).isEmpty();
        assertThat(none.meanCpuRatio()).isZero();
        assertThat(none.medianCpuRatio()).isZero();
        assertThat(none.verdict()).startsWith("no pair measured CPU per event for both builds");
    }
}
