package io.sluice.bench.harness;

import io.sluice.bench.RealisticBodies;
import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.ParsedBatch;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * How fast this machine does one fixed piece of the gateway's own work right now: parsing and
 * validating the harness's 50-event CC body on one thread (the median of several rounds, after a
 * warm-up). A shared virtual machine's speed drifts: the same build ran 1.4× slower in JMH and
 * sustained half the rate an hour later (docs/benchmarks.md). Two runs' figures compare only
 * beside this probe, taken before the stack starts and after it stops (when nothing of the run
 * competes for the cores; the machine's other tenants still may).
 */
final class SpeedProbe {

    static final String WHAT = "per parse and validation of the harness's cc-50 body on one thread, median of "
            + SpeedProbe.ROUNDS + " rounds once the JIT is quiet";
    static final int ROUNDS = 7;
    private static final Duration WARM_UP_MIN = Duration.ofSeconds(2);
    private static final Duration WARM_UP_MAX = Duration.ofSeconds(15);
    private static final Duration WARM_UP_SLICE = Duration.ofMillis(500);
    private static final int PARSES_PER_ROUND = 200;

    private SpeedProbe() {
    }

    static double microsPerParse() {
        CcBatchParser parser = CcBatchParser.create(IngestProperties.defaults(), Clock.systemUTC());
        byte[] body = RealisticBodies.harnessCc(50, Instant.now(), 0).getBytes(StandardCharsets.UTF_8);
        // Warm until the JIT has stopped compiling for a whole slice: in a fresh JVM a fixed 2 s
        // left the first reading at up to twice the later ones.
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long started = System.nanoTime();
        long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
        while (true) {
            long sliceEnd = System.nanoTime() + WARM_UP_SLICE.toNanos();
            while (System.nanoTime() < sliceEnd) {
                parse(parser, body);
            }
            long now = System.nanoTime();
            long compiledNow = watchJit ? jit.getTotalCompilationTime() : compiled;
            boolean quiet = compiledNow == compiled;
            compiled = compiledNow;
            if (now - started >= WARM_UP_MAX.toNanos() || quiet && now - started >= WARM_UP_MIN.toNanos()) {
                break;
            }
        }
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < PARSES_PER_ROUND; i++) {
                parse(parser, body);
            }
            rounds[r] = (System.nanoTime() - start) / 1_000.0 / PARSES_PER_ROUND;
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    private static void parse(CcBatchParser parser, byte[] body) {
        ParsedBatch b = parser.parse(body, "probe", "req_probe", Instant.now());
        if (b.accepted().size() != 50) {
            // Timing the rejection path would measure something else.
            throw new IllegalStateException("the probe's body was not fully accepted: " + b.problems());
        }
    }
}
