package io.sluice.scorer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.scorer.alert.AlertDecider.Action;
import io.sluice.scorer.alert.AlertDecider.Context;
import io.sluice.scorer.alert.AlertDecider.Existing;
import io.sluice.scorer.alert.AlertDecider.Open;
import io.sluice.scorer.alert.AlertDecider.Resolve;
import io.sluice.scorer.alert.AlertDecider.Update;
import io.sluice.scorer.alert.Pattern.Dimension;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision rules on hand-built counters (no database). */
class AlertDeciderTest {

    static final Instant END = Instant.parse("2026-11-23T12:00:00Z");
    static final Context CTX = new Context(END, Duration.ofMinutes(10), Duration.ofMinutes(3), Duration.ofHours(6),
            Duration.ofMinutes(10), Duration.ofHours(1), END.minus(Duration.ofHours(5)));

    static Map<Pattern, PatternSettings> defaults() {
        Map<Pattern, PatternSettings> m = new EnumMap<>(Pattern.class);
        for (Pattern p : Pattern.values()) {
            m.put(p, p.defaults());
        }
        return m;
    }

    /** Sessions per OS value in window and baseline, and crashed sessions in the window. */
    static HealthWindow crashes(Map<String, long[]> perOs) {
        Map<HealthWindow.Key, HealthWindow.Counts> c = new HashMap<>();
        long[] app = new long[4];
        Map<String, long[]> platforms = new HashMap<>();
        perOs.forEach((os, v) -> {
            // v = {window sessions, baseline sessions, window crashed, baseline crashed}
            c.put(new HealthWindow.Key("session", Dimension.OS, os), new HealthWindow.Counts(v[0], v[1], 0, v[0] / 3, 0));
            c.put(new HealthWindow.Key("crashed_session", Dimension.OS, os), new HealthWindow.Counts(v[2], v[3], 0, v[2] / 3, 0));
            long[] pl = platforms.computeIfAbsent(os.split(" ")[0], k -> new long[4]);
            for (int i = 0; i < 4; i++) {
                app[i] += v[i];
                pl[i] += v[i];
            }
        });
        platforms.forEach((p, v) -> {
            c.put(new HealthWindow.Key("session", Dimension.PLATFORM, p), new HealthWindow.Counts(v[0], v[1], 0, v[0] / 3, 0));
            c.put(new HealthWindow.Key("crashed_session", Dimension.PLATFORM, p), new HealthWindow.Counts(v[2], v[3], 0, v[2] / 3, 0));
        });
        c.put(new HealthWindow.Key("session", Dimension.APP, ""), new HealthWindow.Counts(app[0], app[1], 0, app[0] / 3, 0));
        c.put(new HealthWindow.Key("crashed_session", Dimension.APP, ""), new HealthWindow.Counts(app[2], app[3], 0, app[2] / 3, 0));
        c.put(new HealthWindow.Key("session", Dimension.VERSION, "2.4.0"), new HealthWindow.Counts(app[0], app[1], 0, app[0] / 3, 0));
        c.put(new HealthWindow.Key("crashed_session", Dimension.VERSION, "2.4.0"), new HealthWindow.Counts(app[2], app[3], 0, app[2] / 3, 0));
        return new HealthWindow(c);
    }

    static List<Action> decide(Context ctx, HealthWindow h, List<Existing> existing) {
        return AlertDecider.decide(ctx, h, defaults(), existing, List.of(), List.of(), Map.of(), Set.of());
    }

    static final Map<String, long[]> NORMAL = Map.of(
            "ios 18.1", new long[] {120, 4_000, 0, 12},
            "ios 17.5", new long[] {60, 2_000, 0, 6},
            "android 14", new long[] {60, 2_000, 1, 6},
            "android 13", new long[] {60, 2_000, 0, 6});

    @Test
    void aNormalWindowDecidesNothing() {
        assertThat(decide(CTX, crashes(NORMAL), List.of())).isEmpty();
    }

    @Test
    void aSpikeOnOneOsVersionOpensOneAlertNamedByThatVersion() {
        Map<String, long[]> spike = new HashMap<>(NORMAL);
        spike.put("ios 18.1", new long[] {120, 4_000, 40, 12});
        List<Action> actions = decide(CTX, crashes(spike), List.of());
        assertThat(actions).singleElement().isInstanceOfSatisfying(Open.class, o -> {
            assertThat(o.finding().pattern()).isEqualTo(Pattern.CRASH_RATE_SPIKE);
            assertThat(o.finding().dimension()).isEqualTo(Dimension.OS);
            assertThat(o.finding().value()).isEqualTo("ios 18.1");
        });
    }

    @Test
    void anAppWideSpikeOpensOneAppAlertNotOnePerVersion() {
        Map<String, long[]> spike = new HashMap<>();
        NORMAL.forEach((os, v) -> spike.put(os, new long[] {v[0], v[1], v[0] / 4, v[3]}));
        List<Action> actions = decide(CTX, crashes(spike), List.of());
        assertThat(actions).singleElement().isInstanceOfSatisfying(Open.class,
                o -> assertThat(o.finding().dimension()).isEqualTo(Dimension.APP));
    }

    @Test
    void noAlertWhileTheAppIsStillLearningItsBaseline() {
        Context young = new Context(END, CTX.window(), CTX.fastWindow(), CTX.baseline(), CTX.holdDown(),
                CTX.learningPeriod(), END.minus(Duration.ofMinutes(30)));
        Map<String, long[]> spike = new HashMap<>(NORMAL);
        spike.put("ios 18.1", new long[] {120, 4_000, 40, 12});
        assertThat(decide(young, crashes(spike), List.of())).isEmpty();
    }

    @Test
    void aHandResolvedIncidentIsJudgedOnlyOnWindowsAfterTheFix() {
        Map<String, long[]> spike = new HashMap<>(NORMAL);
        spike.put("ios 18.1", new long[] {120, 4_000, 40, 12});
        // Fixed when the app had been scored up to 5 minutes ago: the 10-minute window still holds
        // minutes from before the fix, so the alert does not open again.
        AlertDecider.HandResolved fixed = new AlertDecider.HandResolved(Pattern.CRASH_RATE_SPIKE, Dimension.OS,
                "ios 18.1", END.minus(Duration.ofMinutes(5)));
        assertThat(AlertDecider.decide(CTX, crashes(spike), defaults(), List.of(), List.of(fixed), List.of(), Map.of(),
                Set.of())).isEmpty();
        // Another dimension value is another incident.
        AlertDecider.HandResolved other = new AlertDecider.HandResolved(Pattern.CRASH_RATE_SPIKE, Dimension.OS,
                "android 14", END.minus(Duration.ofMinutes(5)));
        assertThat(AlertDecider.decide(CTX, crashes(spike), defaults(), List.of(), List.of(other), List.of(), Map.of(),
                Set.of())).singleElement().isInstanceOf(Open.class);
        // A whole window after the fix and still breaching: the fix did not work, a new alert opens.
        AlertDecider.HandResolved longAgo = new AlertDecider.HandResolved(Pattern.CRASH_RATE_SPIKE, Dimension.OS,
                "ios 18.1", END.minus(Duration.ofMinutes(10)));
        assertThat(AlertDecider.decide(CTX, crashes(spike), defaults(), List.of(), List.of(longAgo), List.of(), Map.of(),
                Set.of())).singleElement().isInstanceOf(Open.class);
    }

    @Test
    void aContinuingBreachUpdatesTheOpenAlertAndRecoveryResolvesOnlyAfterTheHoldDown() {
        Map<String, long[]> spike = new HashMap<>(NORMAL);
        spike.put("ios 18.1", new long[] {120, 4_000, 40, 12});
        Existing open = new Existing("alt_1", Pattern.CRASH_RATE_SPIKE, Dimension.OS, "ios 18.1", END.minusSeconds(60),
                "critical", 0.9, new AlertDecider.Frozen(12, 4_000, END.minus(Duration.ofHours(6)), END.minus(Duration.ofMinutes(40)), false));
        assertThat(decide(CTX, crashes(spike), List.of(open))).singleElement().isInstanceOf(Update.class);

        // Recovered, but the last breach was 5 minutes ago: hold.
        Existing recent = new Existing("alt_1", Pattern.CRASH_RATE_SPIKE, Dimension.OS, "ios 18.1",
                END.minus(Duration.ofMinutes(5)), "critical", 0.9, open.baseline());
        assertThat(decide(CTX, crashes(NORMAL), List.of(recent))).isEmpty();
        // 10 minutes of recovery: resolve.
        Existing old = new Existing("alt_1", Pattern.CRASH_RATE_SPIKE, Dimension.OS, "ios 18.1",
                END.minus(Duration.ofMinutes(10)), "critical", 0.9, open.baseline());
        assertThat(decide(CTX, crashes(NORMAL), List.of(old))).singleElement()
                .isInstanceOfSatisfying(Resolve.class, r -> assertThat(r.reason()).isEqualTo("recovered"));
    }

    @Test
    void aNewSignatureAlertsOnceAfterTheLearningPeriod() {
        Finding.Signature sig = new Finding.Signature("ISE | at A.b(A.kt:1)", "ISE", "at A.b(A.kt:1)", "2.4.1",
                END.minus(Duration.ofMinutes(2)), 3);
        List<Action> first = AlertDecider.decide(CTX, crashes(NORMAL), defaults(), List.of(), List.of(), List.of(sig), Map.of(), Set.of());
        assertThat(first).singleElement().isInstanceOfSatisfying(Open.class,
                o -> assertThat(o.finding().pattern()).isEqualTo(Pattern.NEW_CRASH_SIGNATURE));
        assertThat(AlertDecider.decide(CTX, crashes(NORMAL), defaults(), List.of(), List.of(), List.of(sig), Map.of(),
                Set.of(sig.signature()))).isEmpty();
        Finding.Signature rare = new Finding.Signature("X | y", "X", "y", "2.4.1", END.minus(Duration.ofMinutes(2)), 2);
        assertThat(AlertDecider.decide(CTX, crashes(NORMAL), defaults(), List.of(), List.of(), List.of(rare), Map.of(), Set.of()))
                .isEmpty();
    }
}
