package io.sluice.bench.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * Finds the highest arrival rate a target sustains (every request answered 2xx, p99 within the
 * bound): doubles the rate from {@code start} until a step fails, then bisects between the last
 * good and the first failed rate. A failed step is run once more before the rate counts as failed:
 * on two shared cores a single JIT recompilation or GC can spoil one short step.
 */
final class RateSearch {

    record Outcome(double maxSustained, List<LoadGenerator.Step> steps) {
    }

    private RateSearch() {
    }

    static Outcome search(DoubleFunction<LoadGenerator.Step> runAt, double start, double limit, int bisections,
            double p99BoundMs, java.util.function.Consumer<LoadGenerator.Step> progress) {
        DoubleFunction<LoadGenerator.Step> confirmed = rate -> {
            LoadGenerator.Step s = runAt.apply(rate);
            progress.accept(s);
            if (s.sustained(p99BoundMs)) {
                return s;
            }
            LoadGenerator.Step again = runAt.apply(rate);
            progress.accept(again);
            return again;
        };
        return search(confirmed, start, limit, bisections, p99BoundMs);
    }

    private static Outcome search(DoubleFunction<LoadGenerator.Step> runAt, double start, double limit, int bisections,
            double p99BoundMs) {
        List<LoadGenerator.Step> steps = new ArrayList<>();
        double good = 0;
        double bad = Double.POSITIVE_INFINITY;
        for (double rate = start; rate <= limit; rate *= 2) {
            LoadGenerator.Step s = runAt.apply(rate);
            steps.add(s);
            if (s.sustained(p99BoundMs)) {
                good = rate;
            } else {
                bad = rate;
                break;
            }
        }
        // Even the first rate failed: look below it.
        for (double rate = start / 2; good == 0 && rate >= start / 16; rate /= 2) {
            LoadGenerator.Step s = runAt.apply(rate);
            steps.add(s);
            if (s.sustained(p99BoundMs)) {
                good = rate;
            } else {
                bad = rate;
            }
        }
        for (int i = 0; i < bisections && bad != Double.POSITIVE_INFINITY && good > 0; i++) {
            double mid = (good + bad) / 2;
            LoadGenerator.Step s = runAt.apply(mid);
            steps.add(s);
            if (s.sustained(p99BoundMs)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return new Outcome(good, steps);
    }
}
