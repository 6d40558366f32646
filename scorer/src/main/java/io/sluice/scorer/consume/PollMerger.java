package io.sluice.scorer.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * Merges consecutive polls into one batch until a byte budget is reached or a short wait runs
 * out, so a backlog of small records is stored in a few large transactions instead of many small
 * ones (each transaction and each poll pay a fixed cost), while a backlog of large records is not
 * merged at all. Kafka's own limits cannot do this: {@code max.poll.records} counts records
 * whatever their size, and the fetch limits count compressed bytes.
 *
 * <p>Demand-driven like the polls it merges: it asks for the next poll only while a merge is
 * open or the subscriber wants a batch, and one poll at a time, so it holds at most one finished
 * batch and one poll beyond it. Order is kept: a batch holds whole polls, in poll order.
 */
public final class PollMerger {

    private PollMerger() {
    }

    /**
     * @param polls  polls, each non-empty; requested one at a time
     * @param bytes  the size a record counts for
     * @param budget a batch is closed once its records count for at least this many bytes
     * @param wait   a batch is also closed this long after its first poll arrived
     * @param timer  runs the wait
     */
    public static <T> Flux<List<T>> merge(Publisher<List<T>> polls, ToLongFunction<T> bytes, long budget,
            Duration wait, Scheduler timer) {
        return Flux.from(subscriber -> polls.subscribe(
                new Merging<>(Operators.toCoreSubscriber(subscriber), bytes, budget, wait, timer)));
    }

    private static final class Merging<T> implements CoreSubscriber<List<T>>, Subscription {

        private final CoreSubscriber<? super List<T>> downstream;
        private final ToLongFunction<T> bytes;
        private final long budget;
        private final long waitNanos;
        private final Scheduler timer;
        /** Drain-loop guard: whoever moves it from 0 runs the loop, the others only re-arm it. */
        private final AtomicInteger wip = new AtomicInteger();

        private Subscription upstream;
        // Guarded by this; emitting and requesting happen outside the lock, from drain().
        private long demand;
        private List<T> open;
        private long openBytes;
        private boolean openExpired;
        private Disposable openTimer;
        private long generation;
        private List<T> closed;
        private boolean polling;
        private boolean done;
        private Throwable error;
        private boolean cancelled;
        private boolean terminated;

        Merging(CoreSubscriber<? super List<T>> downstream, ToLongFunction<T> bytes, long budget, Duration wait,
                Scheduler timer) {
            this.downstream = downstream;
            this.bytes = bytes;
            this.budget = budget;
            this.waitNanos = wait.toNanos();
            this.timer = timer;
        }

        @Override
        public Context currentContext() {
            return downstream.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                downstream.onSubscribe(this);
            }
        }

        @Override
        public void onNext(List<T> poll) {
            long size = 0;
            for (T record : poll) {
                size += bytes.applyAsLong(record);
            }
            synchronized (this) {
                polling = false;
                if (cancelled) {
                    return;
                }
                if (open == null) {
                    open = new ArrayList<>(poll);
                    openBytes = 0;
                    // A poll that fills the budget alone needs no timer.
                    openExpired = waitNanos == 0 || size >= budget;
                    long batch = ++generation;
                    if (!openExpired) {
                        try {
                            openTimer = timer.schedule(() -> expire(batch), waitNanos, TimeUnit.NANOSECONDS);
                        } catch (RejectedExecutionException e) {
                            // The timer is shut down (the app is stopping): pass the poll on unmerged.
                            openExpired = true;
                        }
                    }
                } else {
                    open.addAll(poll);
                }
                openBytes += size;
                if (openBytes >= budget) {
                    openExpired = true;
                }
            }
            drain();
        }

        /** The wait of batch number {@code batch} ran out; a late timer of a batch already closed does nothing. */
        private void expire(long batch) {
            synchronized (this) {
                if (open != null && generation == batch) {
                    openExpired = true;
                }
            }
            drain();
        }

        @Override
        public void onError(Throwable t) {
            synchronized (this) {
                error = t;
                done = true;
            }
            drain();
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                done = true;
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                synchronized (this) {
                    demand = Operators.addCap(demand, n);
                }
                drain();
            }
        }

        @Override
        public void cancel() {
            Disposable task;
            synchronized (this) {
                cancelled = true;
                open = null;
                closed = null;
                task = openTimer;
            }
            if (task != null) {
                task.dispose();
            }
            upstream.cancel();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (step()) {
                    // Keep going while a step emitted or requested something.
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        /** One decision under the lock, acted on outside it. Returns whether to look again. */
        private boolean step() {
            List<T> emit = null;
            Throwable fail = null;
            boolean complete = false;
            boolean request = false;
            Disposable stopTimer = null;
            synchronized (this) {
                if (cancelled || terminated) {
                    return false;
                }
                if (error != null) {
                    // Nothing buffered was committed: whoever reads these partitions next gets it again.
                    terminated = true;
                    fail = error;
                    stopTimer = openTimer;
                    openTimer = null;
                    open = null;
                    closed = null;
                } else {
                    if (closed == null && open != null && (openExpired || done)) {
                        closed = open;
                        open = null;
                        stopTimer = openTimer;
                        openTimer = null;
                    }
                    if (closed != null && demand > 0) {
                        emit = closed;
                        closed = null;
                        if (demand != Long.MAX_VALUE) {
                            demand--;
                        }
                    } else if (done && closed == null && open == null) {
                        terminated = true;
                        complete = true;
                    } else if (!done && !polling && closed == null && (open != null || demand > 0)) {
                        polling = true;
                        request = true;
                    }
                }
            }
            if (stopTimer != null) {
                stopTimer.dispose();
            }
            if (fail != null) {
                downstream.onError(fail);
                return false;
            }
            if (complete) {
                downstream.onComplete();
                return false;
            }
            if (emit != null) {
                downstream.onNext(emit);
            }
            if (request) {
                upstream.request(1);
            }
            return emit != null || request || stopTimer != null;
        }
    }
}
