package io.sluice.scorer.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.scorer.alert.RateCheck.State;
import org.junit.jupiter.api.Test;

class RateCheckTest {

    static final PatternSettings S = Pattern.CRASH_RATE_SPIKE.defaults();

    @Test
    void poissonTailMatchesKnownValues() {
        // P(X >= 1 | 1) = 1 - e^-1; P(X >= 3 | 2) = 1 - e^-2 (1 + 2 + 2) ; P(X >= 0) = 1.
        assertThat(RateCheck.poissonUpperTail(1, 1.0)).isCloseTo(1 - Math.exp(-1), within(1e-12));
        assertThat(RateCheck.poissonUpperTail(3, 2.0)).isCloseTo(1 - Math.exp(-2) * 5, within(1e-12));
        assertThat(RateCheck.poissonUpperTail(0, 3.0)).isEqualTo(1.0);
        // Far in the tail and for large counts it stays finite and ordered.
        assertThat(RateCheck.poissonUpperTail(40, 2.0)).isPositive().isLessThan(1e-30);
        assertThat(RateCheck.poissonUpperTail(1200, 1000)).isBetween(1e-12, 1e-7);
        assertThat(RateCheck.logFactorial(300)).isCloseTo(1414.905849, within(1e-4));
    }

    @Test
    void smallCountsDoNotBreachEvenAtHighRatios() {
        // 3 crashed of 60 sessions against a 0.3% baseline: 17x, but only 3 events (minimum 5).
        RateCheck few = RateCheck.of(3, 60, 30, 10_000, S);
        assertThat(few.ratio()).isGreaterThan(10);
        assertThat(few.state()).isEqualTo(State.CLEAR);
        // 8 of 213 views against 0.7%: a plausible fluke (p ~ 1e-4) is not a breach.
        RateCheck fluke = RateCheck.of(8, 213, 70, 10_000, S);
        assertThat(fluke.pValue()).isGreaterThan(1e-6);
        assertThat(fluke.state()).isNotEqualTo(State.BREACH);
    }

    @Test
    void aClearSpikeBreachesWithSeverityAndScore() {
        RateCheck spike = RateCheck.of(47, 112, 30, 10_000, S);
        assertThat(spike.state()).isEqualTo(State.BREACH);
        assertThat(spike.pValue()).isLessThan(1e-30);
        assertThat(spike.severity(S)).isEqualTo("critical");
        assertThat(spike.score(S)).isBetween(0.9, 1.0);
        // 25 of 2000 against 0.3%: 4x, clearly not chance, below the 5x of a critical.
        RateCheck mild = RateCheck.of(25, 2_000, 30, 10_000, S);
        assertThat(mild.state()).isEqualTo(State.BREACH);
        assertThat(mild.severity(S)).isEqualTo("warning");
        assertThat(mild.score(S)).isLessThan(spike.score(S)).isGreaterThan(0);
    }

    @Test
    void betweenBreachAndRecoveryItHolds() {
        // 1.8x the baseline, unlikely by chance but under the 2x breach ratio: neither breach nor clear.
        RateCheck holding = RateCheck.of(90, 10_000, 500, 100_000, S);
        assertThat(holding.ratio()).isBetween(1.5, 2.0);
        assertThat(holding.state()).isEqualTo(State.HOLDING);
        assertThat(RateCheck.of(55, 10_000, 500, 100_000, S).state()).isEqualTo(State.CLEAR);
    }

    @Test
    void projectOverridesReplaceOnlyTheNamedThresholds() {
        PatternSettings custom = S.with(Traffic.JSON.readTree("{\"min_ratio\": 5, \"min_events\": 20}"));
        assertThat(custom.minRatio()).isEqualTo(5);
        assertThat(custom.minEvents()).isEqualTo(20);
        assertThat(custom.significance()).isEqualTo(S.significance());
        assertThat(RateCheck.of(12, 400, 30, 10_000, custom).state()).isNotEqualTo(State.BREACH);
    }
}
