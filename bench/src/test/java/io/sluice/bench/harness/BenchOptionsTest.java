package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchOptionsTest {

    @TempDir
    Path work;

    private BenchMain.Options parse(String... extra) {
        String[] fixed = {"--work-dir", work.toString(), "--gateway-jar", "g.jar", "--scorer-jar", "s.jar"};
        String[] args = new String[fixed.length + extra.length];
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        System.arraycopy(extra, 0, args, fixed.length, extra.length);
        return BenchMain.parse(args);
    }

    @Test
    void warmUpRoundsDefaultToEightAndCanBeSet() {
        assertThat(parse().warmupRounds()).isEqualTo(BenchMain.WARMUP_ROUNDS).isEqualTo(8);
        BenchMain.Options o = parse("--warmup-rounds", "2", "--warmup-seconds", "10");
        assertThat(o.warmupRounds()).isEqualTo(2);
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.gatewayJar()).isEqualTo(Path.of("g.jar"));
        assertThat(o.command()).endsWith("--warmup-rounds 2 --warmup-seconds 10");
    }

    @Test
    void settlingTheJitIsAnOptionOfQuickRunsOnly() {
        assertThat(parse("--quick").settle()).isFalse();
        BenchMain.Options o = parse("--quick", "--settle", "--quick-rate", "128000", "--measure-seconds", "60");
        assertThat(o.settle()).isTrue();
        assertThat(o.quickRate()).isEqualTo(128_000);
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> parse("--settle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--settle is for --quick runs");
    }

    @Test
    void aQuickRunWarmsNothingUnlessAsked() {
        assertThat(parse("--quick").warmup()).isZero();
        assertThatThrownBy(() -> parse("--warmup-rounds")).hasMessageContaining("unknown argument --warmup-rounds");
    }

    @Test
    void aComparisonHoldsOneRateOnTwoBuildsAndIsNotAQuickRun() {
        BenchMain.Options none = parse();
        assertThat(none.compare()).isFalse();
        assertThat(none.compareJar()).isNull();
        assertThat(none.measure()).isEqualTo(Duration.ofSeconds(5));

        BenchMain.Options o = parse("--compare-jar", "b.jar", "--workloads", "cc-50");
        assertThat(o.compare()).isTrue();
        assertThat(o.compareJar()).isEqualTo(Path.of("b.jar"));
        assertThat(o.gatewayJar()).isEqualTo(Path.of("g.jar"));
        // 16 pairs of 15 s resolved what 6 pairs of 30 s could not (docs/benchmarks.md, 2026-12-02).
        assertThat(o.comparePairs()).isEqualTo(16);
        assertThat(o.compareRate()).isEqualTo(50_000);
        assertThat(o.measure()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.warmup()).as("no scorer warm-up rounds: the scorer is not run").isZero();

        BenchMain.Options set = parse("--compare-jar", "b.jar", "--compare-pairs", "8", "--compare-rate", "100000",
                "--measure-seconds", "20");
        assertThat(set.comparePairs()).isEqualTo(8);
        assertThat(set.compareRate()).isEqualTo(100_000);
        assertThat(set.measure()).isEqualTo(Duration.ofSeconds(20));

        assertThatThrownBy(() -> parse("--compare-jar", "b.jar", "--quick")).hasMessageContaining("drop --quick");
        assertThatThrownBy(() -> parse("--compare-pairs", "6")).hasMessageContaining("need --compare-jar");
        assertThatThrownBy(() -> parse("--compare-jar", "b.jar", "--warmup-seconds", "30"))
                .hasMessageContaining("an A/B comparison does not measure");
        assertThatThrownBy(() -> parse("--compare-jar", "b.jar", "--compare-pairs", "0"))
                .hasMessageContaining("--compare-pairs must be at least 1");
    }

    @Test
    void aComparisonOfJvmFlagsRunsTheSameJarTwiceWithBsFlagsAdded() {
        BenchMain.Options o = parse("--compare-jvm", "-XX:+UseParallelGC  -Dx=1", "--gateway-jvm", "-Dboth=1");
        assertThat(o.compare()).isTrue();
        assertThat(o.compareJar()).isEqualTo(Path.of("g.jar"));
        assertThat(o.compareJvm()).containsExactly("-XX:+UseParallelGC", "-Dx=1");
        assertThat(o.gatewayJvm()).containsExactly("-Dboth=1");
        assertThat(BenchMain.buildA(o)).isEqualTo("g.jar -Dboth=1");
        assertThat(BenchMain.buildB(o)).isEqualTo("g.jar -Dboth=1 -XX:+UseParallelGC -Dx=1");
        assertThat(BenchMain.buildB(parse("--compare-jar", "b.jar"))).isEqualTo("b.jar");
        assertThat(parse().compareJvm()).isEmpty();
        assertThatThrownBy(() -> parse("--compare-jvm", "-Dx=1", "--quick")).hasMessageContaining("drop --quick");
    }
}
