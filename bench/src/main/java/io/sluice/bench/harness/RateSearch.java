package io.sluice.bench.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.DoublePredicate;

/**
 * Finds the highest arrival rate a target sustains (every request answered 2xx, p99 within the
 * bound): doubles the rate from {@code start} until a step fails, then bisects between the last
 * good and the first failed rate. A failed step is run once more before the rate counts as failed:
 * on two shared cores a single JIT recompilation or GC can spoil one short step.
 */
final class RateSearch {

    record Outcome(double maxSustained, List<LoadGenerator.Step> steps) {
    }

    /** The rate a hold confirmed ({@code 0} if none did), and every hold run. */
    record Confirmed(double rate, List<LoadGenerator.Step> holds) {
    }

    /** Steps down in tenths of the found rate: at most this many, so the lowest hold is a tenth of it. */
    static final int CONFIRM_STEPS = 10;

    private RateSearch() {
    }

    static Outcome search(DoubleFunction<LoadGenerator.Step> runAt, double start, double limit, int bisections,
            double p99BoundMs, Consumer<LoadGenerator.Step> progress) {
        List<LoadGenerator.Step> steps = new ArrayList<>();
        DoublePredicate sustains = rate -> sustains(runAt, rate, p99BoundMs, steps, progress);
        double good = 0;
        double bad = Double.POSITIVE_INFINITY;
        for (double rate = start; rate <= limit && bad == Double.POSITIVE_INFINITY; rate *= 2) {
            if (sustains.test(rate)) {
                good = rate;
            } else {
                bad = rate;
            }
        }
        // Even the first rate failed: look below it.
        for (double rate = start / 2; good == 0 && rate >= start / 16; rate /= 2) {
            if (sustains.test(rate)) {
                good = rate;
            } else {
                bad = rate;
            }
        }
        for (int i = 0; i < bisections && bad != Double.POSITIVE_INFINITY && good > 0; i++) {
            double mid = (good + bad) / 2;
            if (sustains.test(mid)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return new Outcome(good, steps);
    }

    /**
     * Holds the search's rate for longer (the length of the latency runs) and steps down by a tenth of
     * it until a hold is sustained; a failed hold is run once more, as in the search. A short step
     * near saturation can pass before the queues have grown: on 2026-12-04 the gateway passed a 3 s
     * step at 640,000 events/s and then missed the same p99 bound for 5 s at 512,000.
     */
    static Confirmed confirm(DoubleFunction<LoadGenerator.Step> hold, double found, double p99BoundMs,
            Consumer<LoadGenerator.Step> progress) {
        List<LoadGenerator.Step> holds = new ArrayList<>();
        for (int tenths = CONFIRM_STEPS; tenths > 0 && found > 0; tenths--) {
            double rate = found * tenths / CONFIRM_STEPS;
            if (sustains(hold, rate, p99BoundMs, holds, progress)) {
                return new Confirmed(rate, holds);
            }
        }
        return new Confirmed(0, holds);
    }

    /** Runs a rate, twice if the first run fails; records and reports every run; says whether it held. */
    private static boolean sustains(DoubleFunction<LoadGenerator.Step> runAt, double rate, double p99BoundMs,
            List<LoadGenerator.Step> runs, Consumer<LoadGenerator.Step> progress) {
        for (int attempt = 0; attempt < 2; attempt++) {
            LoadGenerator.Step s = runAt.apply(rate);
            runs.add(s);
            progress.accept(s);
            if (s.sustained(p99BoundMs)) {
                return true;
            }
        }
        return false;
    }
}
