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
}
