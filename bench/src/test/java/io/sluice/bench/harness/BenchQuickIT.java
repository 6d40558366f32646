package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The harness's quick mode, as CI runs it: every workload through the real gateway, ceiling
 * server, Kafka broker, scorer and PostgreSQL processes, and the loss check after each. Asserts
 * that the harness works and loses nothing; never asserts a speed.
 */
class BenchQuickIT {

    @Test
    void quickModeRunsEveryWorkloadAndLosesNothing() throws Exception {
        Path out = Path.of("target", "bench-quick.json");
        Files.deleteIfExists(out);
        BenchMain.Results r = BenchMain.run(BenchMain.parse(new String[] {"--quick", "--out", out.toString()}));
        System.out.println(Report.table(r));

        assertThat(r.workloads()).extracting(BenchMain.WorkloadResult::name).containsExactlyElementsOf(Workload.names());
        for (BenchMain.WorkloadResult w : r.workloads()) {
            assertThat(w.loss().ok()).as(w.name() + ": " + w.loss().verdict()).isTrue();
            assertThat(w.loss().acknowledged()).as(w.name() + " acknowledged events").isPositive();
            assertThat(w.loss().inPostgres()).as(w.name()).isEqualTo(w.loss().inTopic());
            assertThat(w.copy().rows()).as(w.name() + " rows copied back").isEqualTo(w.loss().inPostgres());
            // The gateway's own send-to-ack time, scraped around the step: one ack per request.
            BenchMain.Latency gw = w.gateway().at50();
            assertThat(gw.kafkaAck()).as(w.name() + " Kafka ack time").isNotNull();
            assertThat(gw.kafkaAck().requests()).as(w.name()).isEqualTo(gw.requests());
            assertThat(gw.kafkaAck().p99Ms()).isGreaterThanOrEqualTo(gw.kafkaAck().p50Ms()).isPositive();
            assertThat(w.ceiling().at50().kafkaAck()).isNull();
            // Its own time handling the requests (http.server.requests for the workload's path). The
            // timer stops once the response is written, which can trail the client reading it by a
            // moment, so the scrape after the step may miss the last few.
            assertThat(gw.gatewayRequest()).as(w.name() + " gateway request time").isNotNull();
            assertThat(gw.gatewayRequest().requests()).as(w.name())
                    .isBetween((long) (gw.requests() * 0.9), gw.requests());
            assertThat(gw.gatewayRequest().p99Ms()).isGreaterThanOrEqualTo(gw.gatewayRequest().p50Ms()).isPositive();
            assertThat(w.ceiling().at50().gatewayRequest()).isNull();
            assertThat(gw.cores().target()).as(w.name() + " gateway cores").isPositive();
            assertThat(gw.cores().loadGenerator()).as(w.name() + " load generator cores").isPositive();
            // Linux keeps scheduler statistics for every thread: both sides' waits are read, never negative.
            assertThat(gw.cores().targetWaiting()).as(w.name() + " gateway waiting for a core").isNotNull().isNotNegative();
            assertThat(gw.cores().loadGeneratorWaiting()).as(w.name() + " load generator waiting").isNotNull()
                    .isNotNegative();
            assertThat(gw.cores().ioStalled()).as(w.name() + " I/O stalled share").isNotNull().isNotNegative();
            // Both targets at the one quick rate: the same-load comparison is that pair.
            BenchMain.SameLoad same = w.sameLoad();
            assertThat(same).as(w.name() + " same-load comparison").isNotNull();
            assertThat(same.eventsPerSecond()).isEqualTo(gw.targetEventsPerSecond());
            assertThat(same.gatewayCpuMicrosPerEvent()).isEqualTo(w.gateway().cpuMicrosPerEvent()).isPositive();
            assertThat(same.ceilingCpuMicrosPerEvent()).isEqualTo(w.ceiling().cpuMicrosPerEvent()).isPositive();
            assertThat(same.gatewayToCeilingCpu())
                    .isEqualTo(same.gatewayCpuMicrosPerEvent() / same.ceilingCpuMicrosPerEvent());
        }
        JsonNode json = JsonMapper.builder().build().readTree(out.toFile());
        assertThat(json.get("machine").get("cores").intValue()).isPositive();
        // The idle machine's speed, before the stack started and after it stopped.
        assertThat(json.get("machine").get("speedProbe").get("startMicros").doubleValue()).isPositive();
        assertThat(json.get("machine").get("speedProbe").get("endMicros").doubleValue()).isPositive();
        // Both apps run as executable jars, where lz4-java would fall back to its Java code unless loaded (NativeLz4).
        assertThat(json.get("machine").get("kafkaLz4").get("gateway").stringValue()).isEqualTo("native");
        assertThat(json.get("machine").get("kafkaLz4").get("scorer").stringValue()).isEqualTo("native");
        assertThat(json.get("command").stringValue()).startsWith("./sluice bench --quick");
        assertThat(json.get("workloads")).hasSize(Workload.names().size());
        assertThat(json.get("workloads").get(0).get("loss").get("ok").booleanValue()).isTrue();
        assertThat(json.get("workloads").get(0).get("sameLoad").get("ceilingCpuMicrosPerEvent").doubleValue()).isPositive();
        assertThat(json.get("workloads").get(0).get("gateway").get("at50").get("gatewayRequest").get("p99Ms").doubleValue())
                .isPositive();
    }

    @Test
    void warmUpRoundsOfTheWorkloadRunBeforeItAndAreNotCountedInIt() throws Exception {
        Path out = Path.of("target", "bench-quick-warmup.json");
        BenchMain.Results r = BenchMain.run(BenchMain.parse(new String[] {"--quick", "--workloads", "cc-10",
            "--warmup-seconds", "1", "--out", out.toString()}));
        System.out.println(Report.table(r));

        BenchMain.WorkloadResult w = r.workloads().getFirst();
        assertThat(w.scorerWarmUpCompilerCores()).as("warm-up rounds").hasSizeBetween(1, BenchMain.WARMUP_ROUNDS)
                .allSatisfy(c -> assertThat(c).isNotNegative());
        // Only the measured steps' events: the warm-up's are in Kafka and PostgreSQL too, under another project.
        assertThat(w.loss().ok()).as(w.loss().verdict()).isTrue();
        assertThat(w.loss().acknowledged()).isPositive();
        assertThat(w.loss().inPostgres()).isEqualTo(w.loss().inTopic());
        assertThat(w.scorer().cpuMicrosPerEvent()).isPositive();
        assertThat(w.scorer().compilerCores()).isNotNegative();
    }
}
