package io.sluice.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

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

    private final Http1Client client = new Http1Client(512, Duration.ofSeconds(10));

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
     * thread's worth of work was queued for a core throughout the step. {@code ioStalled}: the
     * share of the step during which some task on the machine was stalled on I/O (0 to 1; null
     * where {@code /proc/pressure/io} is missing).
     */
    record Cores(double target, double loadGenerator, Double machineBusy, Double targetWaiting,
            Double loadGeneratorWaiting, Double ioStalled) {

        /**
         * {@code targetWaited} and {@code loadGeneratorWaited}: their threads' waits over the step,
         * {@code ioStalled} the machine's I/O stall time over it; each may be null.
         */
        static Cores of(Duration wall, Duration target, Duration loadGenerator, Duration busyBefore, Duration busyAfter,
                Duration targetWaited, Duration loadGeneratorWaited, Duration ioStalled) {
            double seconds = Math.max(1e-9, wall.toNanos() / 1e9);
            return new Cores(perSecond(target, seconds), perSecond(loadGenerator, seconds),
                    busyBefore == null || busyAfter == null ? null : perSecond(busyAfter.minus(busyBefore), seconds),
                    perSecond(targetWaited, seconds), perSecond(loadGeneratorWaited, seconds),
                    perSecond(ioStalled, seconds));
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
        URI base = URI.create(baseUrl);
        InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
        List<ByteBuf> requests = prepared(w, key, base.getHost() + ":" + base.getPort());
        double interval = 1e9 * w.eventsPerRequest() / eventsPerSecond;
        long count = Math.max(1, (long) (duration.toNanos() / interval));
        Tally tally = new Tally(w.eventsPerRequest(), fixedAck);
        Duration cpuBefore = measured.cpu();
        Duration harnessBefore = MachineCpu.harness();
        Duration busyBefore = MachineCpu.busy();
        Duration ioStalledBefore = MachineCpu.ioStalled();
        ThreadTimes targetThreadsBefore = ThreadTimes.of(measured.pid());
        ThreadTimes harnessThreadsBefore = ThreadTimes.of(ProcessHandle.current().pid());
        long wallBefore = System.nanoTime();
        Schedule schedule = new Schedule(address, requests, System.nanoTime() + 20_000_000L, interval, count, tally);
        try {
            client.loop().execute(schedule);
            awaitUninterruptibly(schedule.finished, duration.plusSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tally.done.get() < schedule.sent && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            if (schedule.finished.getCount() > 0) {
                throw new IllegalStateException(target + ": the load generator's schedule did not finish");
            }
            if (tally.done.get() < schedule.sent) {
                throw new IllegalStateException(target + ": " + (schedule.sent - tally.done.get())
                        + " requests unanswered 30 s after the run");
            }
        } finally {
            requests.forEach(ByteBuf::release);
        }
        Duration targetTicks = measured.cpu().minus(cpuBefore);
        Duration harnessTicks = MachineCpu.harness().minus(harnessBefore);
        Duration wall = Duration.ofNanos(System.nanoTime() - wallBefore);
        Duration ioStalledAfter = MachineCpu.ioStalled();
        ThreadTimes targetThreads = ThreadTimes.of(measured.pid());
        ThreadTimes harnessThreads = ThreadTimes.of(ProcessHandle.current().pid());
        Duration cpu = ThreadTimes.cpu(targetTicks, ThreadTimes.ranBetween(targetThreadsBefore, targetThreads));
        Cores cores = Cores.of(wall, cpu,
                ThreadTimes.cpu(harnessTicks, ThreadTimes.ranBetween(harnessThreadsBefore, harnessThreads)),
                busyBefore, MachineCpu.busy(), ThreadTimes.waitedBetween(targetThreadsBefore, targetThreads),
                ThreadTimes.waitedBetween(harnessThreadsBefore, harnessThreads),
                ioStalledBefore == null || ioStalledAfter == null ? null : ioStalledAfter.minus(ioStalledBefore));
        return new Step(target, eventsPerSecond, duration, schedule.sent, tally.ok.sum(), tally.acked.sum(),
                tally.rejected.sum(), tally.unacked.sum(), Map.copyOf(tally.statuses), tally.failures.sum(),
                schedule.overloaded, tally.latency, cpu, wall, cores);
    }

    /** Each of the workload's bodies as a whole HTTP/1.1 request, in direct memory, encoded once. */
    static List<ByteBuf> prepared(Workload w, String key, String host) {
        List<ByteBuf> requests = new ArrayList<>(w.bodies().size());
        for (byte[] body : w.bodies()) {
            StringBuilder head = new StringBuilder(256).append("POST ").append(w.path()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append("\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            w.headers(key).forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
            requests.add(Unpooled.directBuffer(headBytes.length + body.length).writeBytes(headBytes).writeBytes(body));
        }
        return requests;
    }

    /**
     * The run's arrivals, on the client's event loop: sends every request that is due, then
     * schedules itself for the next one. A request that goes out late is still timed from when it
     * was due.
     */
    private final class Schedule implements Runnable {
        private final InetSocketAddress address;
        private final List<ByteBuf> requests;
        private final long start;
        private final double interval;
        private final long count;
        private final Tally tally;
        final CountDownLatch finished = new CountDownLatch(1);
        /** Written on the event loop, read after {@link #finished}. */
        long sent;
        boolean overloaded;

        Schedule(InetSocketAddress address, List<ByteBuf> requests, long start, double interval, long count,
                Tally tally) {
            this.address = address;
            this.requests = requests;
            this.start = start;
            this.interval = interval;
            this.count = count;
            this.tally = tally;
        }

        @Override
        public void run() {
            while (sent < count) {
                long intended = start + (long) (sent * interval);
                long now = System.nanoTime();
                if (intended > now) {
                    client.loop().schedule(this, intended - now, TimeUnit.NANOSECONDS);
                    return;
                }
                if (tally.inFlight >= MAX_IN_FLIGHT) {
                    overloaded = true;
                    break;
                }
                ByteBuf request = requests.get((int) (sent % requests.size())).retainedDuplicate();
                tally.inFlight++;
                sent++;
                client.send(address, request, tally.new Outcome(intended));
            }
            finished.countDown();
        }
    }

    /** What a run's answers add up to; updated on the event loop. */
    private static final class Tally {
        final int eventsPerRequest;
        final boolean fixedAck;
        final ConcurrentHistogram latency = new ConcurrentHistogram(1, MAX_LATENCY_US, 3);
        final LongAdder ok = new LongAdder();
        final LongAdder acked = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder unacked = new LongAdder();
        final LongAdder failures = new LongAdder();
        final AtomicLong done = new AtomicLong();
        final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        long inFlight;

        Tally(int eventsPerRequest, boolean fixedAck) {
            this.eventsPerRequest = eventsPerRequest;
            this.fixedAck = fixedAck;
        }

        final class Outcome implements Http1Client.Answer {
            private final long intended;

            Outcome(long intended) {
                this.intended = intended;
            }

            @Override
            public void answered(int status, String body) {
                record(latency, intended);
                statuses.merge(status, 1L, Long::sum);
                if (status / 100 == 2) {
                    ok.increment();
                    acked.add(fixedAck ? eventsPerRequest : number(body, "\"accepted\""));
                    rejected.add(fixedAck ? 0 : number(body, "\"rejected\""));
                } else {
                    unacked.add(eventsPerRequest);
                }
                inFlight--;
                done.incrementAndGet();
            }

            @Override
            public void failed(Throwable cause) {
                record(latency, intended);
                failures.increment();
                unacked.add(eventsPerRequest);
                inFlight--;
                done.incrementAndGet();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (latch.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        client.close();
    }
}
