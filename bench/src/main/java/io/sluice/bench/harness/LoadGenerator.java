package io.sluice.bench.harness;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Open-loop load: requests start at fixed intended times whatever the server does, and each
 * latency is measured from the intended start, not from when the request could be sent, so a
 * stalled server is charged for every request it delayed (no coordinated omission). Latencies go
 * into an HdrHistogram in microseconds.
 */
final class LoadGenerator implements AutoCloseable {

    /** Requests allowed in flight before a step is declared overloaded (the server is not keeping up). */
    static final int MAX_IN_FLIGHT = 20_000;
    static final long MAX_LATENCY_US = 120_000_000L;

    private final Pacer pacer = new Pacer();
    private final LoopResources loops = LoopResources.create("bench-client", 1, true);
    private final ConnectionProvider pool = ConnectionProvider.builder("bench").maxConnections(512)
            .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofSeconds(60)).build();
    private final HttpClient client = HttpClient.create(pool).runOn(loops).keepAlive(true)
            .responseTimeout(Duration.ofSeconds(10));

    /** What one fixed-rate run measured. */
    record Step(String target, double targetEventsPerSecond, Duration duration, long requestsSent, long requestsOk,
            long eventsAcked, long eventsRejected, long unacknowledgedEvents, Map<Integer, Long> statuses, long failures,
            boolean overloaded, Histogram latencyUs, Duration targetCpu, Duration wall, Cores cores) {

        double p(double percentile) {
            return latencyUs.getValueAtPercentile(percentile) / 1000.0;
        }

        boolean clean() {
            return !overloaded && failures == 0 && requestsOk == requestsSent && eventsRejected == 0;
        }

        /** Sustained: every request answered 2xx and p99 within the bound. */
        boolean sustained(double p99BoundMs) {
            return clean() && p(99) <= p99BoundMs;
        }

        double cpuMicrosPerEvent() {
            return eventsAcked == 0 ? 0 : targetCpu.toNanos() / 1000.0 / eventsAcked;
        }
    }

    /**
     * Cores used on average over a step's {@code wall} time (from before its first request to its
     * last answer): the target, the load generator (this JVM: its GC and JIT included) and the whole
     * machine (null where {@code /proc/stat} is missing). {@code targetWaiting} and
     * {@code loadGeneratorWaiting}: the time their threads were runnable but waiting for a CPU, in
     * the same unit (null where {@code schedstat} is missing); 0.5 means that on average half a
     * thread's worth of work was queued for a core throughout the step.
     */
    record Cores(double target, double loadGenerator, Double machineBusy, Double targetWaiting,
            Double loadGeneratorWaiting) {

        /** {@code targetWaited} and {@code loadGeneratorWaited}: their threads' waits over the step, or null. */
        static Cores of(Duration wall, Duration target, Duration loadGenerator, Duration busyBefore, Duration busyAfter,
                Duration targetWaited, Duration loadGeneratorWaited) {
            double seconds = Math.max(1e-9, wall.toNanos() / 1e9);
            return new Cores(perSecond(target, seconds), perSecond(loadGenerator, seconds),
                    busyBefore == null || busyAfter == null ? null : perSecond(busyAfter.minus(busyBefore), seconds),
                    perSecond(targetWaited, seconds), perSecond(loadGeneratorWaited, seconds));
        }

        private static Double perSecond(Duration d, double seconds) {
            return d == null ? null : d.toNanos() / 1e9 / seconds;
        }
    }

    /**
     * Sends {@code w} at {@code eventsPerSecond} for {@code duration} to {@code baseUrl}. When
     * {@code fixedAck} is true each 2xx counts the request's events as acknowledged (the ceiling
     * server does not parse); otherwise the answer's {@code accepted} count is used.
     */
    Step run(String target, String baseUrl, Workload w, String key, double eventsPerSecond, Duration duration,
            boolean fixedAck, ChildProcess measured) {
        HttpClient c = client.baseUrl(baseUrl).headers(h -> {
            h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            w.headers(key).forEach(h::set);
        });
        double interval = 1e9 * w.eventsPerRequest() / eventsPerSecond;
        long count = Math.max(1, (long) (duration.toNanos() / interval));
        ConcurrentHistogram latency = new ConcurrentHistogram(1, MAX_LATENCY_US, 3);
        LongAdder ok = new LongAdder();
        LongAdder acked = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAdder unacked = new LongAdder();
        LongAdder failures = new LongAdder();
        AtomicLong done = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        Duration cpuBefore = measured.cpu();
        Duration harnessBefore = MachineCpu.harness();
        Duration busyBefore = MachineCpu.busy();
        RunQueueWait targetWaitBefore = RunQueueWait.of(measured.pid());
        RunQueueWait harnessWaitBefore = RunQueueWait.of(ProcessHandle.current().pid());
        long wallBefore = System.nanoTime();
        long start = System.nanoTime() + 20_000_000L;
        long sent = 0;
        boolean overloaded = false;
        for (long i = 0; i < count; i++) {
            long intended = start + (long) (i * interval);
            pacer.awaitDue(intended);
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                overloaded = true;
                break;
            }
            byte[] body = w.bodies().get((int) (i % w.bodies().size()));
            inFlight.incrementAndGet();
            sent++;
            c.post().uri(w.path()).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                    .responseSingle((res, buf) -> buf.asString().defaultIfEmpty("")
                            .map(text -> new Answer(res.status().code(), text)))
                    .subscribe(a -> {
                        record(latency, intended);
                        statuses.merge(a.status, 1L, Long::sum);
                        if (a.status / 100 == 2) {
                            ok.increment();
                            acked.add(fixedAck ? w.eventsPerRequest() : number(a.body, "\"accepted\""));
                            rejected.add(fixedAck ? 0 : number(a.body, "\"rejected\""));
                        } else {
                            unacked.add(w.eventsPerRequest());
                        }
                        inFlight.decrementAndGet();
                        done.incrementAndGet();
                    }, e -> {
                        record(latency, intended);
                        failures.increment();
                        unacked.add(w.eventsPerRequest());
                        inFlight.decrementAndGet();
                        done.incrementAndGet();
                    });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (done.get() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        if (done.get() < sent) {
            throw new IllegalStateException(target + ": " + (sent - done.get()) + " requests unanswered 30 s after the run");
        }
        Duration cpu = measured.cpu().minus(cpuBefore);
        Duration wall = Duration.ofNanos(System.nanoTime() - wallBefore);
        Cores cores = Cores.of(wall, cpu, MachineCpu.harness().minus(harnessBefore), busyBefore, MachineCpu.busy(),
                RunQueueWait.between(targetWaitBefore, RunQueueWait.of(measured.pid())),
                RunQueueWait.between(harnessWaitBefore, RunQueueWait.of(ProcessHandle.current().pid())));
        return new Step(target, eventsPerSecond, duration, sent, ok.sum(), acked.sum(), rejected.sum(), unacked.sum(),
                Map.copyOf(statuses), failures.sum(), overloaded, latency, cpu, wall, cores);
    }

    private record Answer(int status, String body) {
    }

    private static void record(Histogram h, long intended) {
        h.recordValue(Math.max(1, Math.min(MAX_LATENCY_US, (System.nanoTime() - intended) / 1000)));
    }

    /** The integer after {@code "name":} in a small JSON answer, 0 when absent. */
    static long number(String json, String name) {
        int at = json.indexOf(name);
        if (at < 0) {
            return 0;
        }
        int i = json.indexOf(':', at + name.length()) + 1;
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        long v = 0;
        while (i < json.length() && Character.isDigit(json.charAt(i))) {
            v = v * 10 + (json.charAt(i++) - '0');
        }
        return v;
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
        loops.disposeLater().block(Duration.ofSeconds(10));
    }
}
