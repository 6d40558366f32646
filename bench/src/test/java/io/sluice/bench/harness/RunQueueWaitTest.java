package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueueWaitTest {

    @Test
    void readsTheSecondFieldOfSchedstat() {
        assertThat(RunQueueWait.waitingNanos("2911385043 1532846221 9876\n")).isEqualTo(1_532_846_221L);
        assertThatThrownBy(() -> RunQueueWait.waitingNanos("12 34")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsEveryThreadAndSkipsOnesThatEnded(@TempDir Path tasks) throws IOException {
        Files.createDirectories(tasks.resolve("101"));
        Files.writeString(tasks.resolve("101/schedstat"), "500 1000 3\n");
        Files.createDirectories(tasks.resolve("102"));
        Files.writeString(tasks.resolve("102/schedstat"), "700 2500 4\n");
        Files.createDirectories(tasks.resolve("103")); // ended between the listing and the read: no file
        assertThat(RunQueueWait.ofTasks(tasks).waitingNanos()).isEqualTo(Map.of("101", 1000L, "102", 2500L));
    }

    @Test
    void nullWithoutSchedulerStatistics(@TempDir Path dir) {
        assertThat(RunQueueWait.ofTasks(dir.resolve("missing"))).isNull();
        assertThat(RunQueueWait.ofTasks(dir)).as("no thread readable").isNull();
        assertThat(RunQueueWait.between(null, new RunQueueWait(Map.of("1", 5L)))).isNull();
    }

    @Test
    void waitsAddUpThreadByThreadSoAThreadThatEndedNeverMakesTheSumNegative() {
        RunQueueWait before = new RunQueueWait(Map.of("1", 1_000L, "2", 9_000_000L, "3", 500L));
        // 2 ended (a JIT compiler thread the JVM let go), 4 started during the step
        RunQueueWait after = new RunQueueWait(Map.of("1", 4_000L, "3", 700L, "4", 50L));
        assertThat(RunQueueWait.between(before, after)).isEqualTo(Duration.ofNanos(3_000 + 200 + 50));
    }

    @Test
    void theCurrentProcessCanBeRead() {
        // Linux keeps these statistics for every thread; CI and the benchmark machines run Linux.
        RunQueueWait now = RunQueueWait.of(ProcessHandle.current().pid());
        assertThat(now).isNotNull();
        assertThat(now.waitingNanos()).containsKey(Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void coresWaitingArePerSecondOfTheStep() {
        LoadGenerator.Cores c = LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ofMillis(1800),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(13), Duration.ofMillis(1000),
                Duration.ofMillis(300));
        assertThat(c.target()).isEqualTo(0.9);
        assertThat(c.machineBusy()).isEqualTo(1.5);
        assertThat(c.targetWaiting()).isEqualTo(0.5);
        assertThat(c.loadGeneratorWaiting()).isEqualTo(0.15);
        assertThat(LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, null, null, null,
                Duration.ofMillis(1)).targetWaiting()).isNull();
    }
}
