package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bench.harness.BenchMain.Latency;
import io.sluice.bench.harness.BenchMain.TargetResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core budget at the end of the table: each 80 % run's cores split by process, the rest and idle. */
class ReportTest {

    private static TargetResult target(double max, LoadGenerator.Cores at80, double brokerCores) {
        return target(max, max, at80, brokerCores);
    }

    private static TargetResult target(double max, double searchFound, LoadGenerator.Cores at80, double brokerCores) {
        Latency l80 = new Latency(max * 0.8, 1000, 5, 20, 30, 40, at80, new HistogramWindow(4.2, 16.8, 1000),
                new HistogramWindow(5.6, 19.6, 1000));
        Latency l50 = new Latency(max * 0.5, 1000, 4, 10, 15, 20, at80, null, null);
        return new TargetResult(max, searchFound, l50, l80, 7.6, 1.1, brokerCores, List.of(l50, l80), List.of(l80), null);
    }

    private static BenchMain.Results results(LoadGenerator.Cores gateway, LoadGenerator.Cores ceiling) {
        var w = new BenchMain.WorkloadResult("cc-50", "cc", 50, false, 426, target(160_000, 200_000, gateway, 0.14),
                target(640_000, ceiling, 0.22), 0.25,
                BenchMain.SameLoad.of(128_000, 7.6, 2.0, new Latency(128_000, 1000, 3, 9, 12, 15, ceiling, null, null)),
                new Stack.Drain(10, 10, Duration.ofSeconds(1), 10, 20, 0),
                new Stack.Copy(10, Duration.ofSeconds(1), 20, List.of(20.0)), 0.5,
                new BenchMain.Loss(10, 0, 10, 10, true, "no loss"), List.of(), null);
        return new BenchMain.Results("./sluice bench", Instant.EPOCH, Duration.ofSeconds(60), Map.of("cores", 2), false, 50,
                List.of(w), Map.of());
    }

    @Test
    void splitsEachEightyPercentRunIntoTargetBrokerLoadGeneratorOtherAndIdle() {
        String table = Report.table(results(new LoadGenerator.Cores(0.97, 0.28, 1.41, null, null, null), new LoadGenerator.Cores(0.63, 0.69, 1.53, null, null, null)));
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(table).contains("where the " + cores + " cores went in each target's 80 % run");
        // other = busy - target - broker - load generator; idle = cores - busy
        assertThat(table).containsPattern("cc-50 +gateway +128,000 +0\\.97 +0\\.14 +0\\.28 +0\\.02 +"
                + String.format(java.util.Locale.ROOT, "%.2f", cores - 1.41).replace(".", "\\."));
        // -0.01 left over is the broker's window being wider than the step's, shown as 0.00, not -0.01
        assertThat(table).containsPattern("cc-50 +ceiling +512,000 +0\\.63 +0\\.22 +0\\.69 +0\\.00 +");
        assertThat(table).contains("cc-50: at the same 128,000 events/s the gateway spends 7.6 µs of CPU per event,"
                + " the ceiling 2.0 (3.8×)");
        assertThat(table).contains("cc-50: the gateway's own send-to-ack time in its 80 % run: p50 <= 4.2 ms, p99 <= 16.8 ms");
        assertThat(table).contains("cc-50: the gateway's own time handling the requests in its 80 % run: p50 <= 5.6 ms,"
                + " p99 <= 19.6 ms");
    }

    @Test
    void showsWhatTheSearchPassedBesideWhatTheHoldConfirmed() {
        String table = Report.table(results(new LoadGenerator.Cores(0.97, 0.28, 1.41, null, null, null),
                new LoadGenerator.Cores(0.63, 0.69, 1.53, null, null, null)));
        assertThat(table).containsPattern("cc-50 +160,000 +640,000 +0\\.25 \\|");
        assertThat(table).contains("cc-50: the search's steps passed gateway 200,000 and ceiling 640,000 events/s;"
                + " held as long as the latency runs, 160,000 and 640,000");
    }

    @Test
    void showsHowLongEachSideWaitedForACore() {
        String table = Report.table(results(new LoadGenerator.Cores(0.97, 0.28, 1.41, 0.45, 0.17, 0.02),
                new LoadGenerator.Cores(0.63, 0.69, 1.53, null, null, null)));
        assertThat(table).contains("waiting for a core: target / load gen");
        assertThat(table).containsPattern("cc-50 +gateway +128,000 .*\\| 0\\.45 / 0\\.17\\n");
        assertThat(table).containsPattern("cc-50 +ceiling +512,000 .*\\| -\\n");
    }

    @Test
    void printsTheSpeedProbeAtTheStartAndTheEnd() {
        BenchMain.Results r = results(new LoadGenerator.Cores(0.97, 0.28, 1.41, null, null, null),
                new LoadGenerator.Cores(0.63, 0.69, 1.53, null, null, null));
        BenchMain.Results both = new BenchMain.Results(r.command(), r.startedAt(), r.elapsed(), BenchMain.machine(58.74, 84.2, Map.of("gateway", "native")),
                r.quick(), r.p99BoundMs(), r.workloads(), r.heapAfterRunMiB());
        assertThat(Report.table(both)).contains("  speed probe: 58.7 µs at the start, 84.2 µs at the end (" + SpeedProbe.WHAT + ")");
        BenchMain.Results startOnly = new BenchMain.Results(r.command(), r.startedAt(), r.elapsed(),
                BenchMain.machine(58.74, null, Map.of("gateway", "native")), r.quick(), r.p99BoundMs(), r.workloads(), r.heapAfterRunMiB());
        assertThat(Report.table(startOnly)).contains("  speed probe: 58.7 µs at the start, - at the end");
    }

    @Test
    void saysSoWhereTheMachineCouldNotBeRead() {
        String table = Report.table(results(new LoadGenerator.Cores(0.97, 0.28, null, null, null, null), new LoadGenerator.Cores(0.63, 0.69, null, null, null, null)));
        assertThat(table).contains("(no /proc/stat: not measured)");
    }

    @Test
    void sameLoadQuotientIsZeroNotInfinityWhenTheCeilingMeasuredNoCpu() {
        // A quotient of Infinity would make the JSON result file unreadable.
        assertThat(BenchMain.SameLoad.of(500, 280, 0, null).gatewayToCeilingCpu()).isZero();
        assertThat(BenchMain.SameLoad.of(500, 280, 90, null).gatewayToCeilingCpu()).isEqualTo(280 / 90.0);
    }

    @Test
    void anAbComparisonListsEveryHoldInTheOrderRunAndTheVerdict() {
        LoadGenerator.Cores cores = new LoadGenerator.Cores(0.95, 0.25, 1.4, null, null, null);
        List<AbComparison.Hold> holds = List.of(
                new AbComparison.Hold("A", 1, new Latency(100_000, 60_000, 4, 21.5, 30, 40, cores, null,
                        new HistogramWindow(2.0, 11.2, 60_000)), 8.0),
                new AbComparison.Hold("B", 1, new Latency(100_000, 60_000, 4, 19.5, 30, 40, cores, null, null), 7.6));
        AbComparison.Result c = AbComparison.of("a.jar", "b.jar", 100_000, 30, holds);
        var w = new BenchMain.WorkloadResult("cc-50", "cc", 50, false, 426, null, null, null, null, null, null, null,
                BenchMain.verdictWithoutStorage(10, 0, 10), List.of(), c);
        BenchMain.Results r = new BenchMain.Results("./sluice bench --compare-jar b.jar", Instant.EPOCH,
                Duration.ofSeconds(60), Map.of("cores", 2), false, 50, List.of(w), Map.of());

        String table = Report.table(r);
        assertThat(r.compare()).isTrue();
        assertThat(table).contains("A/B comparison of two gateway builds at one load").contains("A = a.jar\nB = b.jar\n");
        assertThat(table).containsPattern("cc-50 +1 +A +100,000 +8\\.00 +0\\.95 \\| 4\\.0 / 21\\.5 / 30\\.0 ms +\\| <= 11\\.2 ms\\n"
                + "cc-50 +1 +B +100,000 +7\\.60 +0\\.95 \\| 4\\.0 / 19\\.5 / 30\\.0 ms +\\| -\\n");
        assertThat(table).contains("cc-50: median µs/event A 8.00, B 7.60; median client p99 A 21.5 ms, B 19.5 ms")
                .contains("NOT RESOLVED: CPU per event B/A -5.0 % (geometric mean of 1 pair;");
        assertThat(table).doesNotContain("ceiling").doesNotContain("scorer")
                .contains("cc-50           loss check: no loss: acknowledged 10 = Kafka 10 (PostgreSQL not checked in A/B mode)")
                .contains("LOSS CHECK PASSED");
    }
}
