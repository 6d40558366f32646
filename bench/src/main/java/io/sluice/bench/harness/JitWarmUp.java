package io.sluice.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;

/**
 * Warms a target up until its JIT compilers have settled, not for a fixed time. The gateway's C2
 * compiler thread took 0.3–0.45 of a core for the first minute of load and its request cost kept
 * falling for two (0.48 → 0.24 cores of event-loop time at the same 20,000 events/s): a search that
 * starts after 20 s measures the JIT as much as the gateway. Slices of load run until one slice's
 * compiler CPU is at most {@code settledCores} (after at least {@code min}, at most {@code max});
 * the rate doubles after a sustained slice and halves after a failed one, so the code is warmed near
 * the rates the search will try.
 */
final class JitWarmUp {

    /** What the warm-up did: its slices, each slice's compiler cores, and whether the JIT settled. */
    record Outcome(List<LoadGenerator.Step> steps, List<Double> compilerCores, boolean settled, Duration elapsed) {
    }

    private JitWarmUp() {
    }

    static Outcome run(DoubleFunction<LoadGenerator.Step> runAt, Supplier<Duration> compilerCpu, double start,
            Duration slice, Duration min, Duration max, double settledCores, double p99BoundMs) {
        List<LoadGenerator.Step> steps = new ArrayList<>();
        List<Double> cores = new ArrayList<>();
        Duration elapsed = Duration.ZERO;
        double rate = start;
        while (elapsed.compareTo(max) < 0) {
            Duration before = compilerCpu.get();
            long t0 = System.nanoTime();
            LoadGenerator.Step s = runAt.apply(rate);
            // Wall time of the slice as run (a slow target can stretch it), at least the slice.
            long wall = Math.max(System.nanoTime() - t0, slice.toNanos());
            double used = (double) compilerCpu.get().minus(before).toNanos() / wall;
            steps.add(s);
            cores.add(used);
            elapsed = elapsed.plus(slice);
            if (elapsed.compareTo(min) >= 0 && used <= settledCores) {
                return new Outcome(steps, cores, true, elapsed);
            }
            rate = s.sustained(p99BoundMs) ? rate * 2 : Math.max(start, rate / 2);
        }
        return new Outcome(steps, cores, false, elapsed);
    }
}
