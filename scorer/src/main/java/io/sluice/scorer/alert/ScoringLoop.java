package io.sluice.scorer.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every {@code tick}: scores the due minutes of every app, applies pending agent reports, then
 * publishes new alert changes. One tick at a time; a failed step is logged and retried on the next
 * tick (every step is idempotent). Runs on every replica: advisory and row locks divide the work.
 */
public class ScoringLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ScoringLoop.class);

    private final AppScorer scorer;
    private final AgentReportApplier reports;
    private final AlertPublisher publisher;
    private final DatabaseClient db;
    private final ScoringProperties props;
    private final AtomicLong ticks = new AtomicLong();
    private volatile Disposable loop;

    public ScoringLoop(AppScorer scorer, AgentReportApplier reports, AlertPublisher publisher, DatabaseClient db,
            ScoringProperties props) {
        this.scorer = scorer;
        this.reports = reports;
        this.publisher = publisher;
        this.db = db;
        this.props = props;
    }

    /** One pass over everything due (also used by tests). */
    public Mono<Void> tick() {
        Mono<Void> score = scorer.appsDue()
                .concatMap(app -> Flux.range(0, props.maxMinutesPerTick())
                        .concatMap(i -> scorer.scoreNextMinute(app[0], app[1]))
                        .takeUntil(scored -> !scored)
                        .onErrorResume(e -> {
                            log.warn("scoring {}/{} failed, retrying next tick: {}", app[0], app[1], e.toString());
                            return Mono.empty();
                        }))
                .then();
        Mono<Void> apply = reports.applyPending().repeat().takeUntil(n -> n < 100).then();
        Mono<Void> publish = publisher.publishOnce().repeat().takeUntil(n -> n < AlertPublisher.BATCH).then();
        Mono<Void> cleanup = ticks.incrementAndGet() % Math.max(1, 3600 / Math.max(1, props.tick().toSeconds())) != 1
                ? Mono.empty()
                : db.sql("DELETE FROM health_minutes WHERE minute < $1")
                        .bind(0, AlertStore.utc(Instant.now().minus(props.healthRetention()))).fetch().rowsUpdated().then();
        return score.then(apply).then(publish).then(cleanup);
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            log.info("alert scoring disabled (sluice.scoring.enabled=false)");
            return;
        }
        loop = Flux.interval(Duration.ZERO, props.tick(), Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(t -> tick().onErrorResume(e -> {
                    log.warn("scoring tick failed, retrying: {}", e.toString());
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable l = loop;
        if (l != null) {
            l.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable l = loop;
        return l != null && !l.isDisposed();
    }

    @Override
    public int getPhase() {
        // Stops before the ingestor (MAX_VALUE - 100) finishes draining, starts after it.
        return Integer.MAX_VALUE - 50;
    }
}
