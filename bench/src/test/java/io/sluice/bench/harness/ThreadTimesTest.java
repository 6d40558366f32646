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

class ThreadTimesTest {

    @Test
    void readsTheFirstTwoFieldsOfSchedstat() {
        assertThat(ThreadTimes.fields("2911385043 1532846221 9876\n")).containsExactly(2_911_385_043L, 1_532_846_221L);
        assertThatThrownBy(() -> ThreadTimes.fields("12 34")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsEveryThreadAndSkipsOnesThatEnded(@TempDir Path tasks) throws IOException {
        Files.createDirectories(tasks.resolve("101"));
        Files.writeString(tasks.resolve("101/schedstat"), "500 1000 3\n");
        Files.createDirectories(tasks.resolve("102"));
        Files.writeString(tasks.resolve("102/schedstat"), "700 2500 4\n");
        Files.createDirectories(tasks.resolve("103")); // ended between the listing and the read: no file
        ThreadTimes t = ThreadTimes.ofTasks(tasks);
        assertThat(t.runningNanos()).isEqualTo(Map.of("101", 500L, "102", 700L));
        assertThat(t.waitingNanos()).isEqualTo(Map.of("101", 1000L, "102", 2500L));
    }

    @Test
    void nullWithoutSchedulerStatistics(@TempDir Path dir) {
        assertThat(ThreadTimes.ofTasks(dir.resolve("missing"))).isNull();
        assertThat(ThreadTimes.ofTasks(dir)).as("no thread readable").isNull();
        ThreadTimes some = new ThreadTimes(Map.of("1", 5L), Map.of("1", 5L));
        assertThat(ThreadTimes.waitedBetween(null, some)).isNull();
        assertThat(ThreadTimes.ranBetween(some, null)).isNull();
    }

    @Test
    void timesAddUpThreadByThreadSoAThreadThatEndedNeverMakesTheSumNegative() {
        // 2 ended (a JIT compiler thread the JVM let go), 4 started during the step
        ThreadTimes before = new ThreadTimes(Map.of("1", 10L, "2", 7_000_000L, "3", 20L),
                Map.of("1", 1_000L, "2", 9_000_000L, "3", 500L));
        ThreadTimes after = new ThreadTimes(Map.of("1", 110L, "3", 25L, "4", 9L),
                Map.of("1", 4_000L, "3", 700L, "4", 50L));
        assertThat(ThreadTimes.waitedBetween(before, after)).isEqualTo(Duration.ofNanos(3_000 + 200 + 50));
        assertThat(ThreadTimes.ranBetween(before, after)).isEqualTo(Duration.ofNanos(100 + 5 + 9));
    }

    @Test
    void aProcessUsesTheLargerOfItsTickTotalAndItsThreadsSum() {
        // A quick step: the tick total rounds 6 ms of work to nothing, the threads have it exactly.
        assertThat(ThreadTimes.cpu(Duration.ZERO, Duration.ofMillis(6))).isEqualTo(Duration.ofMillis(6));
        // A thread that ended during the step took its time with it; the total still has it.
        assertThat(ThreadTimes.cpu(Duration.ofMillis(900), Duration.ofMillis(850))).isEqualTo(Duration.ofMillis(900));
        assertThat(ThreadTimes.cpu(Duration.ofMillis(40), null)).isEqualTo(Duration.ofMillis(40));
        assertThat(ThreadTimes.cpu(null, Duration.ofMillis(3))).isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void theCurrentProcessCanBeReadAndItsThreadsRan() {
        // Linux keeps these statistics for every thread; CI and the benchmark machines run Linux.
        long pid = ProcessHandle.current().pid();
        ThreadTimes before = ThreadTimes.of(pid);
        assertThat(before).isNotNull();
        assertThat(before.waitingNanos()).containsKey(Long.toString(pid));
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += Long.toString(i).hashCode();
        }
        assertThat(sum).isNotZero();
        assertThat(ThreadTimes.ranBetween(before, ThreadTimes.of(pid))).isPositive();
    }

    @Test
    void coresWaitingArePerSecondOfTheStep() {
        LoadGenerator.Cores c = LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ofMillis(1800),
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(13), Duration.ofMillis(1000),
                Duration.ofMillis(300), null);
        assertThat(c.target()).isEqualTo(0.9);
        assertThat(c.machineBusy()).isEqualTo(1.5);
        assertThat(c.targetWaiting()).isEqualTo(0.5);
        assertThat(c.loadGeneratorWaiting()).isEqualTo(0.15);
        assertThat(LoadGenerator.Cores.of(Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, null, null, null,
                Duration.ofMillis(1), null).targetWaiting()).isNull();
    }
}
