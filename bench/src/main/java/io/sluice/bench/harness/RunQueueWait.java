package io.sluice.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How long a process's threads were runnable but waiting for a CPU, summed over its threads, from
 * the scheduler's statistics ({@code /proc/<pid>/task/<tid>/schedstat}: time running, time waiting
 * on a run queue, times run). On two shared cores this is where a request's latency goes when no
 * handler is slow: every thread on its path waits its turn for a core.
 */
final class RunQueueWait {

    private RunQueueWait() {
    }

    /** Waiting time of process {@code pid} so far; null where there is no {@code schedstat}. */
    static Duration of(long pid) {
        return ofTasks(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** The sum over every thread directory under {@code tasks}; threads that ended meanwhile are skipped. */
    static Duration ofTasks(Path tasks) {
        long nanos = 0;
        int read = 0;
        try (var threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    nanos += waitingNanos(Files.readString(t.resolve("schedstat")));
                    read++;
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException noProc) {
            return null;
        }
        return read == 0 ? null : Duration.ofNanos(nanos);
    }

    /** The second field of a {@code schedstat} line: nanoseconds spent waiting on a run queue. */
    static long waitingNanos(String schedstat) {
        String[] f = schedstat.trim().split("\\s+");
        if (f.length < 3) {
            throw new IllegalArgumentException("not a schedstat line: " + schedstat);
        }
        return Long.parseLong(f[1]);
    }
}
