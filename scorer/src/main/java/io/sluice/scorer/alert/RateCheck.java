package io.sluice.scorer.alert;

/**
 * The statistics of one rate pattern for one dimension value (pure; docs/scoring.md):
 * baseline rate with add-½ smoothing so an empty baseline is never zero, the ratio of window to
 * baseline rate, the exact Poisson tail probability of seeing the window's count if the baseline
 * rate still held, a z-score for the score, and the breach/recovery decision with hysteresis.
 *
 * @param windowCount       incidents in the window
 * @param windowDenominator sessions, screen views or minutes in the window
 * @param baselineRate      smoothed incidents per denominator unit before the window
 * @param windowRate        incidents per denominator unit in the window
 * @param ratio             windowRate / baselineRate
 * @param z                 (windowCount − expected) / √expected
 * @param pValue            P(X ≥ windowCount) for X ~ Poisson(expected)
 * @param state             breach, clear or holding (between the breach and recovery thresholds)
 */
public record RateCheck(long windowCount, double windowDenominator, double baselineRate, double windowRate,
        double ratio, double z, double pValue, State state) {

    public enum State { BREACH, HOLDING, CLEAR }

    public static RateCheck of(long windowCount, double windowDenominator, long baselineCount,
            double baselineDenominator, PatternSettings s) {
        double baselineRate = (baselineCount + 0.5) / (baselineDenominator + 1.0);
        double windowRate = windowDenominator > 0 ? windowCount / windowDenominator : 0;
        double expected = baselineRate * windowDenominator;
        double ratio = baselineRate > 0 ? windowRate / baselineRate : 0;
        double z = expected > 0 ? (windowCount - expected) / Math.sqrt(expected) : 0;
        double p = poissonUpperTail(windowCount, expected);
        boolean sample = windowCount >= s.minEvents() && windowDenominator >= s.minDenominator();
        State state;
        if (sample && ratio >= s.minRatio() && p <= s.significance()) {
            state = State.BREACH;
        } else if (!sample || ratio < s.recoverRatio() || p > PatternSettings.RECOVER_P) {
            state = State.CLEAR;
        } else {
            state = State.HOLDING;
        }
        return new RateCheck(windowCount, windowDenominator, baselineRate, windowRate, ratio, z, p, state);
    }

    /** The same numbers in another state. */
    RateCheck withState(State other) {
        return new RateCheck(windowCount, windowDenominator, baselineRate, windowRate, ratio, z, pValue, other);
    }

    /** {@code critical} for a large, clear breach, else {@code warning}. */
    public String severity(PatternSettings s) {
        return ratio >= s.criticalRatio() && z >= 2 * s.minZ() ? "critical" : "warning";
    }

    /**
     * 0..1: 0.6 × magnitude (log10 of the ratio, 10× = 1) + 0.4 × confidence (z / 3·minZ, capped),
     * rounded to two decimals.
     */
    public double score(PatternSettings s) {
        double magnitude = Math.min(1, Math.max(0, Math.log10(Math.max(ratio, 1))));
        double confidence = Math.min(1, Math.max(0, z / (3 * s.minZ())));
        return Math.round((0.6 * magnitude + 0.4 * confidence) * 100) / 100.0;
    }

    /** P(X ≥ n) for X ~ Poisson(lambda), summed in log space from n upwards (exact to ~1e-15). */
    static double poissonUpperTail(long n, double lambda) {
        if (n <= 0) {
            return 1;
        }
        if (lambda <= 0) {
            return 0;
        }
        double logTerm = -lambda + n * Math.log(lambda) - logFactorial(n);
        double sum = 0;
        double term = Math.exp(logTerm);
        for (long k = n; k < n + 10_000 && term > sum * 1e-17; k++) {
            sum += term;
            term *= lambda / (k + 1);
            if (term == 0) {
                break;
            }
        }
        return Math.min(1, sum);
    }

    static double logFactorial(long n) {
        if (n < 2) {
            return 0;
        }
        if (n < 256) {
            double s = 0;
            for (int k = 2; k <= n; k++) {
                s += Math.log(k);
            }
            return s;
        }
        double x = n + 1;
        // Stirling series for lnΓ(x); ample for n ≥ 256.
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}
