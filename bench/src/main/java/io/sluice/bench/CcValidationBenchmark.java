package io.sluice.bench;

import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestConfiguration;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.KafkaRecords;
import io.sluice.gateway.ingest.ParsedBatch;
import io.sluice.gateway.kafka.KafkaProperties.Granularity;
import io.sluice.common.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the CC hot path per request: parse + validate ({@code parse}), and parse + validate +
 * encode the Kafka record ({@code parseAndEncode}). Divide by {@code events} for the cost per
 * event; docs/benchmarks.md has the numbers and the command. {@code body=harness} is the body the
 * benchmark harness sends the gateway (tags and custom on every event); {@code small} is the
 * smaller body of the measurements before 2026-12-01 evening.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CcValidationBenchmark {

    @Param({"1", "50", "100"})
    int events;

    @Param({"harness", "small"})
    String body;

    private CcBatchParser parser;
    private final EventCodec codec = new EventCodec();
    private byte[] bytes;

    @Setup
    public void setUp() {
        parser = CcBatchParser.create(
                IngestProperties.defaults(), Clock.systemUTC());
        String json = switch (body) {
            case "harness" -> RealisticBodies.harnessCc(events, Instant.now(), 0);
            case "small" -> RealisticBodies.cc(events, Instant.now());
            default -> throw new IllegalArgumentException("body is harness or small, not " + body);
        };
        bytes = json.getBytes(StandardCharsets.UTF_8);
        ParsedBatch check = parse();
        if (check.accepted().size() != events) {
            // Measuring the rejection path by accident would flatter the numbers.
            throw new IllegalStateException("benchmark body not fully valid: " + check.problems());
        }
    }

    @Benchmark
    public ParsedBatch parse() {
        return parser.parse(bytes, "demo", "req_01M8434B0Y1ZCWETM8WCJPPWKW", Instant.now());
    }

    @Benchmark
    public Object parseAndEncode() {
        ParsedBatch batch = parser.parse(bytes, "demo", "req_01M8434B0Y1ZCWETM8WCJPPWKW", Instant.now());
        return KafkaRecords.of(batch.accepted(), Granularity.REQUEST, codec, batch.raw());
    }
}
