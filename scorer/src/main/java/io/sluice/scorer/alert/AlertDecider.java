package io.sluice.scorer.alert;

import io.sluice.scorer.alert.Pattern.Dimension;
import io.sluice.scorer.alert.RateCheck.State;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for one app at one evaluation time, which alerts to open, update and resolve (pure;
 * docs/scoring.md). One incident gives one alert: the breach is attributed to one dimension value
 * ({@link #attribute}), and no second alert of the same pattern opens while one is breaching.
 */
public final class AlertDecider {

    /**
     * An unresolved alert of the app, with the baseline it was opened against: an ongoing incident
     * is judged against the rate before it started, never against a baseline it has itself raised.
     */
    public record Existing(String alertId, Pattern pattern, Dimension dimension, String value, Instant lastBreachAt,
            String severity, double score, Frozen baseline) {
    }

    /**
     * An alert resolved by hand (agent report or API) while its app had been scored up to
     * {@code position}: the fix is judged only on windows that start after it.
     */
    public record HandResolved(Pattern pattern, Dimension dimension, String value, Instant position) {
    }

    /** Baseline counts fixed when the alert opened. */
    public record Frozen(long count, double denominator, Instant start, Instant end, boolean app) {
    }

    /** What to do. */
    public sealed interface Action permits Open, Update, Resolve {
    }

    public record Open(Finding finding, PatternSettings settings) implements Action {
    }

    public record Update(Existing alert, Finding finding, PatternSettings settings) implements Action {
    }

    public record Resolve(Existing alert, String reason) implements Action {
    }

    /** The evaluation's fixed inputs. */
    public record Context(Instant end, Duration window, Duration fastWindow, Duration baseline, Duration holdDown,
            Duration learningPeriod, Instant appFirstSeen) {

        Instant windowStart() {
            return end.minus(window);
        }

        Instant fastStart() {
            return end.minus(fastWindow);
        }

        /** Baseline start, never before the app's first minute. */
        Instant baselineStart() {
            Instant start = windowStart().minus(baseline);
            Instant first = appFirstSeen.truncatedTo(ChronoUnit.MINUTES);
            return first.isAfter(start) ? (first.isAfter(windowStart()) ? windowStart() : first) : start;
        }

        boolean learning() {
            return appFirstSeen.plus(learningPeriod).isAfter(end);
        }
    }

    private AlertDecider() {
    }

    public static List<Action> decide(Context ctx, HealthWindow health, Map<Pattern, PatternSettings> settings,
            List<Existing> existing, List<HandResolved> handResolved, List<Finding.Signature> recentSignatures, Map<String, Instant> signatureLastSeen,
            Set<String> signaturesAlertedBefore) {
        List<Action> actions = new ArrayList<>();
        for (Pattern p : Pattern.values()) {
            List<Existing> mine = existing.stream().filter(e -> e.pattern() == p).toList();
            if (p == Pattern.NEW_CRASH_SIGNATURE) {
                signatures(ctx, settings.get(p), mine, recentSignatures, signatureLastSeen, signaturesAlertedBefore, actions);
            } else {
                rates(ctx, p, settings.get(p), health, mine, handResolved, actions);
            }
        }
        return actions;
    }

    private static void rates(Context ctx, Pattern p, PatternSettings s, HealthWindow health, List<Existing> mine,
            List<HandResolved> handResolved, List<Action> actions) {
        List<Finding> findings = new ArrayList<>();
        for (Dimension d : p.dimensions()) {
            Set<String> values = new LinkedHashSet<>();
            for (HealthWindow.Key k : health.keys()) {
                if (k.metric().equals(p.numerator()) && k.dimension() == d && health.get(k.metric(), d, k.value()).window() > 0) {
                    values.add(k.value());
                }
            }
            mine.stream().filter(e -> e.dimension() == d).forEach(e -> values.add(e.value()));
            for (String v : values) {
                findings.add(finding(ctx, p, s, health, d, v));
            }
        }
        Finding incident = null;
        for (Existing e : mine) {
            Finding f = e.baseline() != null ? frozen(ctx, p, s, health, e)
                    : findings.stream().filter(x -> x.dimension() == e.dimension() && x.value().equals(e.value()))
                            .findFirst().orElseThrow();
            if (f.check().state() == State.BREACH) {
                actions.add(new Update(e, f, s));
                incident = f;
            } else if (f.check().state() == State.CLEAR && !e.lastBreachAt().plus(ctx.holdDown()).isAfter(ctx.end())) {
                actions.add(new Resolve(e, "recovered"));
            }
        }
        if (ctx.learning() || incident != null) {
            // Still learning the baseline, or the incident already has its alert.
            return;
        }
        List<Finding> breaching = findings.stream().filter(f -> f.check().state() == State.BREACH).toList();
        if (breaching.isEmpty()) {
            return;
        }
        Finding chosen = attribute(ctx, p, s, health, breaching);
        boolean covered = mine.stream().anyMatch(e -> e.dimension() == chosen.dimension() && e.value().equals(chosen.value()));
        // A window reaching back before a hand resolution still holds the minutes the fix was for.
        boolean justFixed = handResolved.stream().anyMatch(h -> h.pattern() == p && h.dimension() == chosen.dimension()
                && h.value().equals(chosen.value()) && ctx.windowStart().isBefore(h.position()));
        if (!covered && !justFixed) {
            actions.add(new Open(chosen, s));
        }
    }

    /** Most specific first; {@link Dimension#APP} is the fallback. */
    static final List<Dimension> SPECIFICITY = List.of(Dimension.OS, Dimension.KEY, Dimension.VERSION, Dimension.PLATFORM,
            Dimension.APP);
    /** Share of the app's excess incidents one dimension value must explain to name the incident. */
    static final double CONCENTRATION = 0.7;

    /**
     * Names one incident by one dimension value: the most specific breaching value that explains
     * at least 70% of the app's excess incidents over the long window (a kind with a single value,
     * e.g. one app version, says nothing and is skipped); else the whole app; else the strongest
     * breach. So a crash spike on iOS 18.1 is "iOS 18.1", an app-wide one is "the app", and one
     * incident never opens one alert per OS version.
     */
    static Finding attribute(Context ctx, Pattern p, PatternSettings s, HealthWindow h, List<Finding> breaching) {
        double appExcess = excess(ctx, p, s, h, Dimension.APP, "");
        for (Dimension kind : SPECIFICITY) {
            if (!p.dimensions().contains(kind)) {
                continue;
            }
            if (kind != Dimension.APP && valuesWithTraffic(p, h, kind) < 2) {
                continue;
            }
            for (Finding f : breaching) {
                if (f.dimension() != kind) {
                    continue;
                }
                if (kind == Dimension.APP || appExcess <= 0
                        || excess(ctx, p, s, h, kind, f.value()) >= CONCENTRATION * appExcess) {
                    return f;
                }
            }
        }
        return breaching.stream().max(Comparator.comparingDouble(f -> f.check().z())).orElseThrow();
    }

    /** Incidents above what the baseline predicts, over the long window. */
    private static double excess(Context ctx, Pattern p, PatternSettings s, HealthWindow h, Dimension d, String v) {
        HealthWindow.Counts num = h.get(p.numerator(), d, v);
        double windowDen;
        double baselineDen;
        if (p.denominator() == null) {
            windowDen = ctx.window().toMinutes();
            baselineDen = Duration.between(ctx.baselineStart(), ctx.windowStart()).toMinutes();
        } else {
            boolean split = d != Dimension.KEY || p.denominatorHasKey();
            HealthWindow.Counts den = split ? h.get(p.denominator(), d, v) : h.get(p.denominator(), Dimension.APP, "");
            windowDen = den.window();
            baselineDen = den.baseline();
        }
        double rate = (num.baseline() + 0.5) / (baselineDen + 1.0);
        return num.window() - rate * windowDen;
    }

    private static int valuesWithTraffic(Pattern p, HealthWindow h, Dimension d) {
        String metric = p.denominator() != null && (d != Dimension.KEY || p.denominatorHasKey()) ? p.denominator()
                : p.numerator();
        int n = 0;
        for (HealthWindow.Key k : h.keys()) {
            if (k.metric().equals(metric) && k.dimension() == d && h.get(metric, d, k.value()).window() > 0) {
                n++;
            }
        }
        return n;
    }

    /** The window of an existing alert against the baseline it opened with. */
    static Finding frozen(Context ctx, Pattern p, PatternSettings s, HealthWindow h, Existing e) {
        HealthWindow.Counts num = h.get(p.numerator(), e.dimension(), e.value());
        double windowDen;
        if (p.denominator() == null) {
            windowDen = ctx.window().toMinutes();
        } else {
            boolean split = e.dimension() != Dimension.KEY || p.denominatorHasKey();
            windowDen = (split ? h.get(p.denominator(), e.dimension(), e.value())
                    : h.get(p.denominator(), Dimension.APP, "")).window();
        }
        Frozen b = e.baseline();
        return choose(ctx, p, s, e.dimension(), e.value(), num, windowDen, fastDenominator(ctx, p, h, e.dimension(), e.value()),
                b.count(), b.denominator(), b.start(), b.end(), b.app());
    }

    /**
     * The long window's check, unless only the fast window breaches: a sharp onset is caught in
     * minutes, while a steady incident is described over the long window.
     */
    static Finding choose(Context ctx, Pattern p, PatternSettings s, Dimension d, String v, HealthWindow.Counts num,
            double windowDen, double fastDen, long baselineNum, double baselineDen, Instant baselineStart,
            Instant baselineEnd, boolean appBaseline) {
        RateCheck check = RateCheck.of(num.window(), windowDen, baselineNum, baselineDen, s);
        if (check.state() != State.BREACH && ctx.fastWindow().compareTo(ctx.window()) < 0) {
            double share = (double) ctx.fastWindow().toMinutes() / ctx.window().toMinutes();
            PatternSettings fastSettings = new PatternSettings(s.minRatio(), s.criticalRatio(), s.minZ(), s.minEvents(),
                    (int) Math.ceil(s.minDenominator() * share), s.minBaselineDenominator(), s.recoverRatio(), s.significance());
            RateCheck fast = RateCheck.of(num.fast(), fastDen, baselineNum, baselineDen, fastSettings);
            if (fast.state() == State.BREACH) {
                return new Finding(p, d, v, fast, ctx.fastStart(), ctx.end(), baselineStart, baselineEnd, baselineNum,
                        baselineDen, appBaseline, num.fastSum(), null);
            }
        }
        return new Finding(p, d, v, check, ctx.windowStart(), ctx.end(), baselineStart, baselineEnd, baselineNum,
                baselineDen, appBaseline, num.windowSum(), null);
    }

    private static double fastDenominator(Context ctx, Pattern p, HealthWindow h, Dimension d, String v) {
        if (p.denominator() == null) {
            return ctx.fastWindow().toMinutes();
        }
        boolean split = d != Dimension.KEY || p.denominatorHasKey();
        return (split ? h.get(p.denominator(), d, v) : h.get(p.denominator(), Dimension.APP, "")).fast();
    }

    static Finding finding(Context ctx, Pattern p, PatternSettings s, HealthWindow h, Dimension d, String v) {
        HealthWindow.Counts num = h.get(p.numerator(), d, v);
        double windowDen;
        double baselineDen;
        long baselineNum = num.baseline();
        boolean appBaseline = false;
        Instant baselineStart = ctx.baselineStart();
        double baselineMinutes = Duration.between(baselineStart, ctx.windowStart()).toMinutes();
        if (p.denominator() == null) {
            windowDen = ctx.window().toMinutes();
            baselineDen = baselineMinutes;
        } else {
            boolean split = d != Dimension.KEY || p.denominatorHasKey();
            HealthWindow.Counts den = split ? h.get(p.denominator(), d, v) : h.get(p.denominator(), Dimension.APP, "");
            windowDen = den.window();
            baselineDen = den.baseline();
            if (baselineDen < s.minBaselineDenominator() && d != Dimension.APP) {
                // Too little history for this value (a new version, a new screen): compare with the app.
                HealthWindow.Counts appNum = h.get(p.numerator(), Dimension.APP, "");
                HealthWindow.Counts appDen = h.get(p.denominator(), Dimension.APP, "");
                baselineNum = appNum.baseline();
                baselineDen = appDen.baseline();
                appBaseline = true;
            }
        }
        Finding f = choose(ctx, p, s, d, v, num, windowDen, fastDenominator(ctx, p, h, d, v), baselineNum, baselineDen,
                baselineStart, ctx.windowStart(), appBaseline);
        if (baselineDen < s.minBaselineDenominator() && f.check().state() == State.BREACH) {
            // Not enough history anywhere: never page on it.
            return new Finding(p, d, v, f.check().withState(State.HOLDING), f.windowStart(), f.windowEnd(),
                    f.baselineStart(), f.baselineEnd(), f.baselineCount(), f.baselineDenominator(), f.appBaseline(),
                    f.windowSum(), null);
        }
        return f;
    }

    private static void signatures(Context ctx, PatternSettings s, List<Existing> mine, List<Finding.Signature> recent,
            Map<String, Instant> lastSeen, Set<String> alertedBefore, List<Action> actions) {
        for (Existing e : mine) {
            Instant last = lastSeen.get(e.value());
            if (last == null || !last.plus(ctx.holdDown()).isAfter(ctx.end())) {
                actions.add(new Resolve(e, "recovered"));
            }
        }
        for (Finding.Signature sig : recent) {
            boolean first = !alertedBefore.contains(sig.signature());
            boolean learnedBefore = !ctx.appFirstSeen().plus(ctx.learningPeriod()).isAfter(sig.firstSeen());
            if (first && learnedBefore && sig.occurrences() >= s.minEvents()) {
                actions.add(new Open(new Finding(Pattern.NEW_CRASH_SIGNATURE, Dimension.SIGNATURE, sig.signature(), null,
                        sig.firstSeen(), ctx.end(), sig.firstSeen(), sig.firstSeen(), 0, 0, false, 0, sig), s));
            }
        }
    }
}
