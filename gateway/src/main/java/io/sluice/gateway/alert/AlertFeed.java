package io.sluice.gateway.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.alert.AlertChange;
import io.sluice.gateway.storage.PostgresNotifications;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * This replica's live view of the alert change log: one LISTEN connection on
 * {@code sluice_alert_changes} (plus a poll as a safety net) wakes a pump that reads every change
 * after the last one it saw, in change-id order, and multicasts it to the stream clients. Every
 * replica does the same, so a change reaches the clients of all replicas with no replica-to-replica
 * calls. Change ids are visible in commit order (writers serialize on an advisory lock), so
 * reading "after the last id" never skips one.
 */
@Component
public class AlertFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AlertFeed.class);
    static final String CHANNEL = "sluice_alert_changes";

    private final DatabaseClient db;
    private final PostgresNotifications notifications;
    private final StreamProperties props;
    private final Sinks.Many<AlertChange> sink = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Boolean> wake = Sinks.many().unicast().onBackpressureBuffer();
    private final AtomicLong lastSeen = new AtomicLong(-1);
    private volatile Disposable listener;
    private volatile Disposable pump;

    public AlertFeed(DatabaseClient db, PostgresNotifications notifications, StreamProperties props,
            MeterRegistry meters) {
        this.db = db;
        this.notifications = notifications;
        this.props = props;
        meters.gauge("sluice_alert_feed_last_change_id", lastSeen);
    }

    /** Live changes of every project, from the moment of subscription. */
    public Flux<AlertChange> live() {
        return sink.asFlux();
    }

    /** The last change id this replica has multicast (-1 before the first read). */
    public long lastSeen() {
        return lastSeen.get();
    }

    /** Resolves once the feed knows where the log stands (subscribers need a starting point). */
    public Mono<Long> ready() {
        return Mono.defer(() -> lastSeen.get() >= 0 ? Mono.just(lastSeen.get()) : head().doOnNext(h -> lastSeen.compareAndSet(-1, h)))
                .map(h -> lastSeen.get());
    }

    private Mono<Long> head() {
        return db.sql("SELECT coalesce(max(change_id), 0) FROM alert_changes").map(r -> r.get(0, Long.class)).one();
    }

    @Override
    public void start() {
        Flux<Boolean> triggers = Flux.merge(wake.asFlux(), Flux.interval(props.poll(), Schedulers.parallel()).map(t -> true));
        // Where the log stands is read until it succeeds (the database may be down at startup).
        Mono<Long> start = ready().retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
                .maxBackoff(Duration.ofSeconds(5))
                .doBeforeRetry(s -> log.warn("alert feed cannot read the change log yet: {}", s.failure().toString())));
        pump = start.thenMany(triggers.onBackpressureLatest().concatMap(t -> drain().onErrorResume(e -> {
                    log.warn("alert feed read failed, retrying: {}", e.toString());
                    return Mono.empty();
                }), 1))
                .subscribe(v -> { }, e -> log.error("alert feed stopped", e));
        listener = notifications.listen(CHANNEL, () -> wake.tryEmitNext(true))
                .subscribe(n -> wake.tryEmitNext(true), e -> log.error("alert feed listener stopped", e));
    }

    /** Reads and multicasts everything after the last change seen, in pages of 1000. */
    private Mono<Void> drain() {
        return Mono.defer(() -> db.sql("SELECT * FROM alert_changes WHERE change_id > $1 ORDER BY change_id LIMIT 1000")
                        .bind(0, lastSeen.get()).map(AlertRows::change).all()
                        // Fan-out to thousands of clients runs off the database driver's I/O thread.
                        .publishOn(Schedulers.parallel())
                        .doOnNext(c -> {
                            lastSeen.set(c.changeId());
                            // One emitter (the serial pump): never contended. No subscriber is fine.
                            sink.tryEmitNext(c);
                        })
                        .count())
                .repeat(1000)
                .takeUntil(n -> n < 1000)
                .then();
    }

    @Override
    public void stop() {
        for (Disposable d : new Disposable[] {listener, pump}) {
            if (d != null) {
                d.dispose();
            }
        }
        sink.tryEmitComplete();
    }

    @Override
    public boolean isRunning() {
        Disposable p = pump;
        return p != null && !p.isDisposed();
    }
}
