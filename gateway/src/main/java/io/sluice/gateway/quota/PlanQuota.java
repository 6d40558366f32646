package io.sluice.gateway.quota;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.error.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Counts accepted events per project and calendar month (UTC) and enforces the plan's monthly
 * quota with no database round trip per request: counts accumulate in memory and are added to
 * PostgreSQL every {@code flush-interval}, which also reads back the total of all replicas.
 */
@Component
public class PlanQuota implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PlanQuota.class);

    record Period(String projectId, LocalDate month) {
    }

    /** What this replica knows of one project-month. */
    static final class Usage {
        /** Total in PostgreSQL when last read (all replicas). */
        volatile long stored;
        /** Accepted here and not yet added to PostgreSQL (negative after a release). */
        final AtomicLong pending = new AtomicLong();
    }

    private final UsageRepository repository;
    private final QuotaProperties props;
    private final Clock clock;
    private final AsyncLoadingCache<Period, Usage> usage;
    private volatile Disposable flusher;

    public PlanQuota(UsageRepository repository, QuotaProperties props, Clock clock) {
        this.repository = repository;
        this.props = props;
        this.clock = clock;
        this.usage = Caffeine.newBuilder()
                // Housekeeping on the calling thread, not the common pool (docs/decisions.md).
                .executor(Runnable::run)
                .expireAfterAccess(Duration.ofHours(2))
                .buildAsync((period, executor) -> repository.total(period.projectId(), period.month())
                        .map(total -> {
                            Usage u = new Usage();
                            u.stored = total;
                            return u;
                        }).toFuture());
    }

    /**
     * Reserves {@code events} of the project's quota for this month, or fails with 432 when they
     * do not fit. Projects without a quota are only counted.
     */
    public Mono<Reservation> reserve(ApiPrincipal key, int events) {
        Period period = new Period(key.projectId(), LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1));
        return Mono.fromFuture(usage.get(period), true).map(u -> {
            Long quota = key.monthlyQuota();
            while (true) {
                long pending = u.pending.get();
                long used = u.stored + pending;
                if (quota != null && used + events > quota) {
                    throw ApiException.planLimitExceeded("Plan limit exceeded: the project's plan allows " + quota
                            + " events per month and " + Math.max(0, quota - used) + " remain this month"
                            + " (resets on " + period.month().plusMonths(1) + " UTC). Upgrade your plan.");
                }
                if (u.pending.compareAndSet(pending, pending + events)) {
                    return new Reservation(u, events);
                }
            }
        });
    }

    /** Events counted against the quota; release them if they were not stored after all. */
    public static final class Reservation {
        private final Usage usage;
        private final int events;

        Reservation(Usage usage, int events) {
            this.usage = usage;
            this.events = events;
        }

        public void release() {
            usage.pending.addAndGet(-events);
        }
    }

    /** Adds pending counts to PostgreSQL and refreshes every tracked total. */
    Mono<Void> flush() {
        return Flux.fromIterable(usage.synchronous().asMap().entrySet())
                .concatMap(e -> {
                    Usage u = e.getValue();
                    long delta = u.pending.get();
                    Mono<Long> total = delta == 0
                            ? repository.total(e.getKey().projectId(), e.getKey().month())
                            : repository.add(e.getKey().projectId(), e.getKey().month(), delta);
                    return total.doOnNext(t -> {
                        // Stored first, then pending: a concurrent check briefly counts the delta
                        // twice (rejects early) rather than not at all (admits too much).
                        u.stored = t;
                        u.pending.addAndGet(-delta);
                    }).then();
                })
                .then();
    }

    @Override
    public void start() {
        flusher = Flux.interval(props.flushInterval(), Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> flush().onErrorResume(e -> {
                    log.warn("usage flush failed, retrying next interval: {}", e.toString());
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable f = flusher;
        if (f != null) {
            f.dispose();
        }
        try {
            // Startup/shutdown thread, not an event loop: blocking here is fine.
            flush().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("final usage flush failed; up to {} of counts may be lost: {}", props.flushInterval(), e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        Disposable f = flusher;
        return f != null && !f.isDisposed();
    }

    @Override
    public int getPhase() {
        // Stop after the web server has drained its requests (it stops at a higher phase).
        return 0;
    }
}
