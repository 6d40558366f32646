package io.sluice.bench.harness;

import io.sluice.bench.RealisticBodies;
import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.ParsedBatch;
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
            + SpeedProbe.ROUNDS + " rounds";
    static final int ROUNDS = 7;
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final int PARSES_PER_ROUND = 200;

    private SpeedProbe() {
    }

    static double microsPerParse() {
        CcBatchParser parser = CcBatchParser.create(IngestProperties.defaults(), Clock.systemUTC());
        byte[] body = RealisticBodies.harnessCc(50, Instant.now(), 0).getBytes(StandardCharsets.UTF_8);
        long warmUntil = System.nanoTime() + WARM_UP.toNanos();
        int accepted = 0;
        while (System.nanoTime() < warmUntil) {
            accepted += parse(parser, body);
        }
        double[] rounds = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < PARSES_PER_ROUND; i++) {
                accepted += parse(parser, body);
            }
            rounds[r] = (System.nanoTime() - start) / 1_000.0 / PARSES_PER_ROUND;
        }
        if (accepted <= 0) {
            throw new IllegalStateException("the probe's body was rejected");
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    private static int parse(CcBatchParser parser, byte[] body) {
        ParsedBatch b = parser.parse(body, "probe", "req_probe", Instant.now());
        if (b.accepted().size() != 50) {
            // Timing the rejection path would measure something else.
            throw new IllegalStateException("the probe's body was not fully accepted: " + b.problems());
        }
        return b.accepted().size();
    }
}
