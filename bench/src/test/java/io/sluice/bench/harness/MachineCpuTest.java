package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

    @Test
    void busyCountsUserNiceSystemIrqSoftirqAndStealButNotIdleIowaitOrGuest() {
        // cpu user nice system idle iowait irq softirq steal guest guest_nice (ticks of 10 ms)
        Duration busy = MachineCpu.busy("cpu  100 20 30 5000 700 4 6 2 50 0");
        assertThat(busy).isEqualTo(Duration.ofMillis((100 + 20 + 30 + 4 + 6 + 2) * 10));
    }

    @Test
    void refusesAPerCpuOrForeignLine() {
        assertThatThrownBy(() -> MachineCpu.busy("cpu0 1 2 3 4 5 6 7 8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachineCpu.busy("intr 1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsThisMachineWhereProcStatExists() {
        Duration first = MachineCpu.busy();
        if (!Files.exists(Path.of("/proc/stat"))) {
            assertThat(first).isNull();
            return;
        }
        // Burn some CPU so both counters must move.
        long x = 0;
        Duration harnessBefore = MachineCpu.harness();
        long end = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < end) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        assertThat(x).isNotNegative();
        assertThat(MachineCpu.busy()).isGreaterThan(first);
        assertThat(MachineCpu.harness()).isGreaterThan(harnessBefore);
    }

    @Test
    void coresAreCpuOverWallTime() {
        LoadGenerator.Cores c = LoadGenerator.Cores.of(Duration.ofSeconds(10), Duration.ofSeconds(12), Duration.ofSeconds(3),
                Duration.ofSeconds(100), Duration.ofSeconds(119), null, null, Duration.ofMillis(2500));
        assertThat(c.target()).isEqualTo(1.2);
        assertThat(c.loadGenerator()).isEqualTo(0.3);
        assertThat(c.machineBusy()).isEqualTo(1.9);
        assertThat(c.ioStalled()).as("share of the step").isEqualTo(0.25);
        LoadGenerator.Cores none = LoadGenerator.Cores.of(Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, null, null,
                null, null, null);
        assertThat(none.machineBusy()).isNull();
        assertThat(none.ioStalled()).isNull();
    }

    @Test
    void readsTheTotalOfThePressureFilesSomeLine() {
        assertThat(MachineCpu.ioStalled("some avg10=0.25 avg60=0.34 avg300=0.26 total=669937217"))
                .isEqualTo(Duration.ofNanos(669_937_217_000L));
        assertThatThrownBy(() -> MachineCpu.ioStalled("full avg10=0.17 avg60=0.19 avg300=0.15 total=426792509"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachineCpu.ioStalled("some avg10=0.25")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMachinesIoPressureCanBeRead() {
        // Linux 4.20+ with PSI, as on CI and the benchmark machines: a total that never runs backwards.
        Duration first = MachineCpu.ioStalled();
        assertThat(first).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(MachineCpu.ioStalled()).isGreaterThanOrEqualTo(first);
    }
}
