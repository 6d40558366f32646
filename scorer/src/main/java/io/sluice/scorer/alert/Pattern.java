package io.sluice.scorer.alert;

import java.util.List;

/**
 * The alert patterns and what each one measures. A rate pattern compares {@code numerator} per
 * {@code denominator} (a health counter, or minutes for a per-minute rate) in the window with the
 * baseline, per dimension. The formulas and their defaults are in docs/scoring.md.
 */
public enum Pattern {

    CRASH_RATE_SPIKE("crash_rate_spike", "crashed_session", "session", "crash",
            List.of(Dimension.APP, Dimension.PLATFORM, Dimension.OS, Dimension.VERSION),
            new PatternSettings(2.0, 5.0, 4.0, 5, 50, 200, 1.5, 1e-6)),
    ANR_SPIKE("anr_spike", "anr", "session", "anr",
            List.of(Dimension.APP, Dimension.PLATFORM, Dimension.OS, Dimension.VERSION),
            new PatternSettings(2.0, 5.0, 4.0, 5, 50, 200, 1.5, 1e-6)),
    NETWORK_ERROR_SPIKE("network_error_spike", "network_error", "session", "network_error",
            List.of(Dimension.APP, Dimension.KEY, Dimension.VERSION),
            new PatternSettings(2.0, 5.0, 4.0, 5, 50, 200, 1.5, 1e-6)),
    SLOW_RENDER_REGRESSION("slow_render_regression", "slow_render", "screen_view", "slow_render",
            List.of(Dimension.KEY, Dimension.VERSION),
            new PatternSettings(2.0, 5.0, 4.0, 5, 50, 200, 1.5, 1e-6)),
    FRICTION_SPIKE("friction_spike", "friction", "screen_view", "friction",
            List.of(Dimension.APP, Dimension.KEY),
            new PatternSettings(2.0, 5.0, 4.0, 5, 50, 200, 1.5, 1e-6)),
    ERROR_BURST("error_burst", "error", null, "error",
            List.of(Dimension.APP, Dimension.KEY),
            new PatternSettings(3.0, 10.0, 4.0, 10, 0, 30, 1.5, 1e-6)),
    NEW_CRASH_SIGNATURE("new_crash_signature", null, null, "crash", List.of(Dimension.SIGNATURE),
            new PatternSettings(0, 0, 0, 3, 0, 0, 0, 0));

    /** How an alert is scoped within an app. */
    public enum Dimension {
        /** The whole app. */
        APP("app"),
        /** {@code platform}, e.g. ios. */
        PLATFORM("platform"),
        /** Platform and OS version, e.g. {@code ios 18.1}. */
        OS("os"),
        /** App version. */
        VERSION("app_version"),
        /** Screen, endpoint or CanaryHub name, depending on the metric. */
        KEY("key"),
        /** A crash signature (exception and top frame). */
        SIGNATURE("signature");

        private final String id;

        Dimension(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private final String id;
    private final String numerator;
    private final String denominator;
    private final String signalType;
    private final List<Dimension> dimensions;
    private final PatternSettings defaults;

    Pattern(String id, String numerator, String denominator, String signalType, List<Dimension> dimensions,
            PatternSettings defaults) {
        this.id = id;
        this.numerator = numerator;
        this.denominator = denominator;
        this.signalType = signalType;
        this.dimensions = dimensions;
        this.defaults = defaults;
    }

    public String id() {
        return id;
    }

    /** Health counter counted as incidents. */
    public String numerator() {
        return numerator;
    }

    /** Health counter the incidents are divided by; null: per minute. */
    public String denominator() {
        return denominator;
    }

    /** Signal type that {@code signal_ids} and recommended actions point to. */
    public String signalType() {
        return signalType;
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    public PatternSettings defaults() {
        return defaults;
    }

    /** True when the denominator is split by screen ({@link Dimension#KEY}) like the numerator. */
    boolean denominatorHasKey() {
        return "screen_view".equals(denominator);
    }

    public static Pattern byId(String id) {
        for (Pattern p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }
}
