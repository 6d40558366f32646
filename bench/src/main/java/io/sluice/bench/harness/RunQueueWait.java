package io.sluice.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a process's threads were runnable but waiting for a CPU, from the scheduler's
 * statistics ({@code /proc/<pid>/task/<tid>/schedstat}: time running, time waiting on a run queue,
 * times run). On two shared cores this is where a request's latency goes when no handler is slow:
 * every thread on its path waits its turn for a core.
 *
 * @param waitingNanos each thread's waiting time so far, by thread id
 */
record RunQueueWait(Map<String, Long> waitingNanos) {

    /** The waits of process {@code pid}'s threads now; null where there is no {@code schedstat}. */
    static RunQueueWait of(long pid) {
        return ofTasks(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** Every thread directory under {@code tasks}; a thread that ended meanwhile is left out. */
    static RunQueueWait ofTasks(Path tasks) {
        Map<String, Long> waits = new HashMap<>();
        try (var threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    waits.put(t.getFileName().toString(), waitingNanos(Files.readString(t.resolve("schedstat"))));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException noProc) {
            return null;
        }
        return waits.isEmpty() ? null : new RunQueueWait(Map.copyOf(waits));
    }

    /**
     * The waiting added between {@code before} and {@code after}, thread by thread: a thread that
     * started meanwhile counts in full, one that ended meanwhile is lost (never a negative sum).
     * Null if either reading is missing.
     */
    static Duration between(RunQueueWait before, RunQueueWait after) {
        if (before == null || after == null) {
            return null;
        }
        long nanos = 0;
        for (Map.Entry<String, Long> t : after.waitingNanos().entrySet()) {
            nanos += Math.max(0, t.getValue() - before.waitingNanos().getOrDefault(t.getKey(), 0L));
        }
        return Duration.ofNanos(nanos);
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
