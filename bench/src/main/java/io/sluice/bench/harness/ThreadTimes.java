package io.sluice.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A process's threads' time on a CPU and time runnable but waiting for one, in nanoseconds, from
 * the scheduler's statistics ({@code /proc/<pid>/task/<tid>/schedstat}: time running, time waiting
 * on a run queue, times run). On two shared cores the waiting is where a request's latency goes
 * when no handler is slow: every thread on its path waits its turn for a core. The running time is
 * exact where the process's own total ({@code /proc/<pid>/stat}) counts in 10 ms clock ticks, which
 * a two-second quick step of a lightly loaded process can round to nothing.
 *
 * @param runningNanos each thread's time on a CPU so far, by thread id
 * @param waitingNanos each thread's time waiting on a run queue so far, by thread id
 */
record ThreadTimes(Map<String, Long> runningNanos, Map<String, Long> waitingNanos) {

    /** The times of process {@code pid}'s threads now; null where there is no {@code schedstat}. */
    static ThreadTimes of(long pid) {
        return ofTasks(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** Every thread directory under {@code tasks}; a thread that ended meanwhile is left out. */
    static ThreadTimes ofTasks(Path tasks) {
        Map<String, Long> running = new HashMap<>();
        Map<String, Long> waiting = new HashMap<>();
        try (var threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    long[] fields = fields(Files.readString(t.resolve("schedstat")));
                    running.put(t.getFileName().toString(), fields[0]);
                    waiting.put(t.getFileName().toString(), fields[1]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException noProc) {
            return null;
        }
        return running.isEmpty() ? null : new ThreadTimes(Map.copyOf(running), Map.copyOf(waiting));
    }

    /** The time waiting on a run queue added between {@code before} and {@code after}; null if either is. */
    static Duration waitedBetween(ThreadTimes before, ThreadTimes after) {
        return before == null || after == null ? null : added(before, after, ThreadTimes::waitingNanos);
    }

    /** The time on a CPU added between {@code before} and {@code after}; null if either is. */
    static Duration ranBetween(ThreadTimes before, ThreadTimes after) {
        return before == null || after == null ? null : added(before, after, ThreadTimes::runningNanos);
    }

    /**
     * A process's CPU time over a step: the larger of its own total's increase ({@code ticks},
     * whole clock ticks, so up to one tick short) and its threads' ({@code threads}, exact, but
     * without threads that ended during the step). Either alone where the other is null.
     */
    static Duration cpu(Duration ticks, Duration threads) {
        if (threads == null) {
            return ticks;
        }
        return ticks == null || threads.compareTo(ticks) > 0 ? threads : ticks;
    }

    /**
     * The time added thread by thread: a thread that started meanwhile counts in full, one that
     * ended meanwhile is lost (never a negative sum).
     */
    private static Duration added(ThreadTimes before, ThreadTimes after,
            Function<ThreadTimes, Map<String, Long>> field) {
        Map<String, Long> then = field.apply(before);
        long nanos = 0;
        for (Map.Entry<String, Long> t : field.apply(after).entrySet()) {
            nanos += Math.max(0, t.getValue() - then.getOrDefault(t.getKey(), 0L));
        }
        return Duration.ofNanos(nanos);
    }

    /** The first two fields of a {@code schedstat} line: nanoseconds running, nanoseconds waiting on a run queue. */
    static long[] fields(String schedstat) {
        String[] f = schedstat.trim().split("\\s+");
        if (f.length < 3) {
            throw new IllegalArgumentException("not a schedstat line: " + schedstat);
        }
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }
}
