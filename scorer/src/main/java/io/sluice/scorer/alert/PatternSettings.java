package io.sluice.scorer.alert;

import tools.jackson.databind.JsonNode;

/**
 * Thresholds of one pattern (docs/scoring.md). Defaults live on {@link Pattern}; a project
 * overrides any of them in {@code projects.scoring} (JSON, snake_case names).
 *
 * @param minRatio               window rate / baseline rate needed to breach
 * @param criticalRatio          ratio from which a breach is {@code critical} (if also z ≥ 2·minZ)
 * @param minZ                   Poisson z-score needed to breach: (observed − expected) / √expected
 * @param minEvents              incidents needed in the window (the minimum sample)
 * @param minDenominator         sessions or screen views needed in the window
 * @param minBaselineDenominator baseline sessions/views (minutes for per-minute rates) needed to
 *                               trust a dimension's own baseline; below it the app-wide baseline is used
 * @param recoverRatio           below this ratio (or a tail probability above {@code recoverP}) a
 *                               window counts as recovered
 * @param significance           largest Poisson tail probability P(X ≥ observed | expected) that
 *                               breaches: the guard against chance with small counts
 */
public record PatternSettings(double minRatio, double criticalRatio, double minZ, int minEvents, int minDenominator,
        int minBaselineDenominator, double recoverRatio, double significance) {

    /** A window whose tail probability is above this is no longer even mildly unusual. */
    public static final double RECOVER_P = 0.01;

    /** These settings with any field present in {@code overrides} replaced. */
    public PatternSettings with(JsonNode overrides) {
        if (overrides == null || !overrides.isObject()) {
            return this;
        }
        return new PatternSettings(
                number(overrides, "min_ratio", minRatio),
                number(overrides, "critical_ratio", criticalRatio),
                number(overrides, "min_z", minZ),
                (int) number(overrides, "min_events", minEvents),
                (int) number(overrides, "min_denominator", minDenominator),
                (int) number(overrides, "min_baseline_denominator", minBaselineDenominator),
                number(overrides, "recover_ratio", recoverRatio),
                number(overrides, "significance", significance));
    }

    private static double number(JsonNode node, String name, double fallback) {
        JsonNode v = node.get(name);
        return v != null && v.isNumber() ? v.doubleValue() : fallback;
    }
}
