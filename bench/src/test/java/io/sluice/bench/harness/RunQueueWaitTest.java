package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueueWaitTest {

    @Test
    void readsTheSecondFieldOfSchedstat() {
        assertThat(RunQueueWait.waitingNanos("2911385043 1532846221 9876\n")).isEqualTo(1_532_846_221L);
        assertThatThrownBy(() -> RunQueueWait.waitingNanos("12 34")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sumsEveryThreadAndSkipsOnesThatEnded(@TempDir Path tasks) throws IOException {
        Files.createDirectories(tasks.resolve("101"));
        Files.writeString(tasks.resolve("101/schedstat"), "500 1000 3\n");
        Files.createDirectories(tasks.resolve("102"));
        Files.writeString(tasks.resolve("102/schedstat"), "700 2500 4\n");
        Files.createDirectories(tasks.resolve("103")); // ended between the listing and the read: no file
        assertThat(RunQueueWait.ofTasks(tasks)).isEqualTo(Duration.ofNanos(3500));
    }

    @Test
    void nullWithoutSchedulerStatistics(@TempDir Path dir) {
        assertThat(RunQueueWait.ofTasks(dir.resolve("missing"))).isNull();
        assertThat(RunQueueWait.ofTasks(dir)).as("no thread readable").isNull();
    }

    @Test
    void coresWaitingArePerSecondOfTheStep() {
        LoadGenerator.Cores c = LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ofMillis(1800),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(13), Duration.ofMillis(100),
                Duration.ofMillis(1100), Duration.ZERO, Duration.ofMillis(300));
        assertThat(c.target()).isEqualTo(0.9);
        assertThat(c.machineBusy()).isEqualTo(1.5);
        assertThat(c.targetWaiting()).isEqualTo(0.5);
        assertThat(c.loadGeneratorWaiting()).isEqualTo(0.15);
        assertThat(LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, null, null, null,
                Duration.ofMillis(1), Duration.ZERO, Duration.ZERO).targetWaiting()).isNull();
    }
}
