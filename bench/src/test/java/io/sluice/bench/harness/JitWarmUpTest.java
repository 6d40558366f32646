package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The warm-up on a simulated target whose compiler works for a known number of slices. */
class JitWarmUpTest {

    private static final Duration SLICE = Duration.ofSeconds(10);

    /** A compiler that burns {@code perSlice} of CPU during each of the first {@code busySlices} slices. */
    static final class FakeCompiler {
        final AtomicLong cpuNanos = new AtomicLong();
        final int busySlices;
        final Duration perSlice;
        int slices;

        FakeCompiler(int busySlices, Duration perSlice) {
            this.busySlices = busySlices;
            this.perSlice = perSlice;
        }

        LoadGenerator.Step slice(double rate, double p99Ms) {
            if (slices++ < busySlices) {
                cpuNanos.addAndGet(perSlice.toNanos());
            }
            return RateSearchTest.step(rate, p99Ms);
        }

        Duration cpu() {
            return Duration.ofNanos(cpuNanos.get());
        }
    }

    @Test
    void runsUntilTheCompilerIsQuietAndNoLonger() {
        // 3 s of compiler CPU per 10 s slice (0.3 cores) for 6 slices, then nothing.
        FakeCompiler jit = new FakeCompiler(6, Duration.ofSeconds(3));
        JitWarmUp.Outcome o = JitWarmUp.run(rate -> jit.slice(rate, 10), jit::cpu, 5_000, SLICE,
                Duration.ofSeconds(20), Duration.ofSeconds(180), 0.02, 50);
        assertThat(o.settled()).isTrue();
        assertThat(o.steps()).hasSize(7);
        assertThat(o.compilerCores().get(0)).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(o.compilerCores().get(6)).isZero();
        assertThat(o.elapsed()).isEqualTo(Duration.ofSeconds(70));
    }

    @Test
    void aQuietCompilerStillGetsTheMinimumWarmUp() {
        FakeCompiler jit = new FakeCompiler(0, Duration.ZERO);
        JitWarmUp.Outcome o = JitWarmUp.run(rate -> jit.slice(rate, 10), jit::cpu, 5_000, SLICE,
                Duration.ofSeconds(20), Duration.ofSeconds(180), 0.02, 50);
        assertThat(o.steps()).hasSize(2);
        assertThat(o.settled()).isTrue();
    }

    @Test
    void aCompilerThatNeverSettlesStopsAtTheMaximum() {
        FakeCompiler jit = new FakeCompiler(Integer.MAX_VALUE, Duration.ofSeconds(1));
        JitWarmUp.Outcome o = JitWarmUp.run(rate -> jit.slice(rate, 10), jit::cpu, 5_000, SLICE,
                Duration.ofSeconds(20), Duration.ofSeconds(60), 0.02, 50);
        assertThat(o.settled()).isFalse();
        assertThat(o.steps()).hasSize(6);
    }

    @Test
    void theRateDoublesWhileSustainedAndHalvesAfterAFailedSlice() {
        FakeCompiler jit = new FakeCompiler(6, Duration.ofSeconds(3));
        List<Double> rates = new ArrayList<>();
        JitWarmUp.run(rate -> {
            rates.add(rate);
            return jit.slice(rate, rate > 30_000 ? 200 : 10);
        }, jit::cpu, 5_000, SLICE, Duration.ofSeconds(20), Duration.ofSeconds(180), 0.02, 50);
        assertThat(rates).containsExactly(5_000.0, 10_000.0, 20_000.0, 40_000.0, 20_000.0, 40_000.0, 20_000.0);
    }
}
