package io.sluice.scorer.alert;

import io.sluice.scorer.alert.Pattern.Dimension;
import java.time.Instant;

/**
 * What one evaluation found for one pattern and dimension value, with the numbers an alert's
 * text is written from.
 *
 * @param pattern             the pattern
 * @param dimension           dimension kind
 * @param value               dimension value ('' for the whole app)
 * @param check               the rate statistics (null for a new crash signature)
 * @param windowStart         window start (event time)
 * @param windowEnd           window end = evaluation time (event time)
 * @param baselineStart       baseline start
 * @param baselineEnd         baseline end (the window start when the alert opened)
 * @param baselineCount       incidents in the baseline actually compared with
 * @param baselineDenominator its denominator
 * @param appBaseline         true when the dimension's own baseline was too small and the
 *                            app-wide one was used
 * @param windowSum           sum of the metric's values in the window (latency for network errors)
 * @param signature           for a new crash signature: exception, top frame, first version, count
 */
public record Finding(Pattern pattern, Dimension dimension, String value, RateCheck check, Instant windowStart,
        Instant windowEnd, Instant baselineStart, Instant baselineEnd, long baselineCount, double baselineDenominator, boolean appBaseline,
        double windowSum, Signature signature) {

    /** A crash signature first seen recently. */
    public record Signature(String signature, String exception, String topFrame, String firstVersion,
            Instant firstSeen, long occurrences) {
    }

    /** Raw (unsmoothed) baseline rate, as reported in descriptions. */
    public double baselineRate() {
        return baselineDenominator > 0 ? baselineCount / baselineDenominator : 0;
    }
}
