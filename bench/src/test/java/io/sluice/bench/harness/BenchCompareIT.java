package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The A/B mode on real processes: two gateways (here the same build twice) beside one broker,
 * holds alternating between them, and the loss check over both against Kafka. Asserts
 * that each hold was served and measured by the gateway it names; never asserts a speed.
 */
class BenchCompareIT {

    @Test
    void holdsAlternateBetweenTwoGatewaysAndEachIsMeasuredOnItsOwn() throws Exception {
        Path out = Path.of("target", "bench-compare.json");
        Files.deleteIfExists(out);
        String jar = BenchMain.findJar("gateway");
        BenchMain.Results r = BenchMain.run(BenchMain.parse(new String[] {"--compare-jar", jar, "--workloads", "cc-10",
            "--compare-pairs", "2", "--compare-rate", "2000", "--measure-seconds", "2", "--jit-max-seconds", "10",
            "--out", out.toString()}));
        System.out.println(Report.table(r));

        assertThat(r.compare()).isTrue();
        BenchMain.WorkloadResult w = r.workloads().getFirst();
        assertThat(w.ceiling()).isNull();
        AbComparison.Result c = w.comparison();
        assertThat(c.holds()).extracting(AbComparison.Hold::build).containsExactly("A", "B", "B", "A");
        assertThat(c.holds()).extracting(AbComparison.Hold::pair).containsExactly(1, 1, 2, 2);
        for (AbComparison.Hold h : c.holds()) {
            BenchMain.Latency l = h.latency();
            String what = "pair " + h.pair() + " build " + h.build();
            assertThat(l.targetEventsPerSecond()).as(what).isEqualTo(2000);
            assertThat(h.cpuMicrosPerEvent()).as(what + " CPU per event").isPositive();
            assertThat(l.cores().target()).as(what + " cores").isPositive();
            // Read from the scrapes of the gateway the hold was aimed at: had the other one served it,
            // this one's request count would not have moved.
            assertThat(l.gatewayRequest()).as(what + " gateway request time").isNotNull();
            assertThat(l.gatewayRequest().requests()).as(what).isBetween((long) (l.requests() * 0.9), l.requests());
            assertThat(l.kafkaAck().requests()).as(what).isEqualTo(l.requests());
        }
        assertThat(c.cpuRatios()).hasSize(2).allSatisfy(q -> assertThat(q).isPositive());
        assertThat(c.lowCpuRatio()).isPositive().isLessThanOrEqualTo(c.meanCpuRatio());
        assertThat(c.highCpuRatio()).isGreaterThanOrEqualTo(c.meanCpuRatio());
        assertThat(c.pairsBCheaper() + c.pairsACheaper()).isLessThanOrEqualTo(2);
        assertThat(c.verdict()).contains("geometric mean of 2 pairs");
        // Checked against Kafka: the scorer is frozen throughout a comparison.
        assertThat(w.loss().ok()).as(w.loss().verdict()).isTrue();
        assertThat(w.loss().acknowledged()).as("events acknowledged by both builds").isPositive();
        assertThat(w.loss().inTopic()).isGreaterThanOrEqualTo(w.loss().acknowledged());
        assertThat(w.loss().inPostgres()).isEqualTo(-1);
        assertThat(w.scorer()).isNull();
        assertThat(r.heapAfterRunMiB()).containsKeys("gateway", "gatewayB").doesNotContainKey("scorer");

        JsonNode json = JsonMapper.builder().build().readTree(out.toFile());
        JsonNode holds = json.get("workloads").get(0).get("comparison").get("holds");
        assertThat(holds).hasSize(4);
        assertThat(List.of(holds.get(0).get("build").stringValue(), holds.get(1).get("build").stringValue()))
                .containsExactly("A", "B");
        assertThat(json.get("command").stringValue()).startsWith("./sluice bench --compare-jar");
    }
}
