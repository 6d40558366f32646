package io.sluice.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where the machine's cores go during a step: the busy time of all CPUs (from {@code /proc/stat})
 * and the harness's own CPU, which is the load generator's while a step runs. On two shared cores
 * the load generator, the broker and the target compete; these figures say how much each took.
 */
final class MachineCpu {

    /** {@code getconf CLK_TCK} on Linux, 100 on every mainstream architecture. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path IO_PRESSURE = Path.of("/proc/pressure/io");

    private MachineCpu() {
    }

    /** Busy time of all CPUs since boot; null where there is no {@code /proc/stat}. */
    static Duration busy() {
        return fromFirstLine(STAT, MachineCpu::busy);
    }

    /**
     * Busy time from the aggregate {@code cpu} line: user, nice, system, irq, softirq and steal
     * ticks; idle and iowait are not busy, guest time is already inside user.
     */
    static Duration busy(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 9) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + cpuLine);
        }
        long ticks = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            ticks += Long.parseLong(f[i]);
        }
        return ticks(ticks);
    }

    /** Clock ticks, the unit of {@code /proc} CPU times, as a duration. */
    static Duration ticks(long ticks) {
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    /**
     * Time so far during which at least one task on the machine was stalled waiting for I/O (the
     * {@code some} line of Linux's pressure stall information, {@code /proc/pressure/io}); null
     * where the kernel does not keep it. A step whose every process sat idle while this grew was
     * held up by the disk, not by a core.
     */
    static Duration ioStalled() {
        return fromFirstLine(IO_PRESSURE, MachineCpu::ioStalled);
    }

    /** {@code parse} applied to the first line of {@code file}; null where it cannot be read or parsed. */
    private static Duration fromFirstLine(Path file, Function<String, Duration> parse) {
        try {
            return parse.apply(Files.readAllLines(file).getFirst());
        } catch (IOException | RuntimeException unavailable) {
            return null;
        }
    }

    /** The {@code total=} microseconds of a pressure file's {@code some} line. */
    static Duration ioStalled(String someLine) {
        if (!someLine.startsWith("some ")) {
            throw new IllegalArgumentException("not the some line of a pressure file: " + someLine);
        }
        for (String field : someLine.trim().split("\\s+")) {
            if (field.startsWith("total=")) {
                return Duration.ofNanos(Long.parseLong(field.substring("total=".length())) * 1000);
            }
        }
        throw new IllegalArgumentException("no total in the pressure line: " + someLine);
    }

    /** CPU time (user + system) of this JVM so far: the load generator's while a step runs. */
    static Duration harness() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
