package io.sluice.scorer.storage;

import io.sluice.scorer.ScorerProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps day partitions of {@code events} ahead of time (yesterday through
 * {@code partitions-ahead} days from now, UTC) and drops those past {@code retention}. Runs at
 * startup and then every {@code partition-check}; the SQL functions serialize concurrent scorers.
 * Events outside the prepared days go to the default partition and never fail a batch. Also
 * forgets client idempotency keys older than {@code idempotency-window}.
 */
public class PartitionMaintainer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintainer.class);

    private final DatabaseClient db;
    private final ScorerProperties props;
    private final Clock clock;
    private volatile Disposable schedule;

    public PartitionMaintainer(DatabaseClient db, ScorerProperties props, Clock clock) {
        this.db = db;
        this.props = props;
        this.clock = clock;
    }

    /** One maintenance pass: emits {partitions created, partitions dropped}. */
    public Mono<int[]> runOnce() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate keepFrom = today.minusDays(props.retention().toDays());
        return db.sql("SELECT sluice_ensure_event_partitions($1, $2)")
                .bind(0, today.minusDays(1)).bind(1, props.partitionsAhead() + 2)
                .map(row -> row.get(0, Integer.class)).one()
                .zipWith(db.sql("SELECT sluice_drop_event_partitions($1)").bind(0, keepFrom)
                        .map(row -> row.get(0, Integer.class)).one())
                .map(t -> new int[] {t.getT1(), t.getT2()})
                .flatMap(r -> db.sql("DELETE FROM event_keys WHERE first_seen < $1")
                        .bind(0, clock.instant().minus(props.idempotencyWindow()).atOffset(ZoneOffset.UTC))
                        .fetch().rowsUpdated().thenReturn(r))
                .doOnNext(r -> {
                    if (r[0] > 0 || r[1] > 0) {
                        log.info("event partitions: {} created, {} dropped (retention {} days)", r[0], r[1],
                                props.retention().toDays());
                    }
                });
    }

    @Override
    public void start() {
        // Startup: block once so the first batch already has today's partition.
        try {
            runOnce().block(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            log.warn("partition maintenance failed at startup, retrying on schedule: {}", e.toString());
        }
        schedule = Flux.interval(props.partitionCheck(), Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(t -> runOnce().onErrorResume(e -> {
                    log.warn("partition maintenance failed, retrying next time: {}", e.toString());
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable s = schedule;
        if (s != null) {
            s.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable s = schedule;
        return s != null && !s.isDisposed();
    }

    @Override
    public int getPhase() {
        // Start before the ingestor (which starts at MAX_VALUE - 100).
        return Integer.MAX_VALUE - 200;
    }
}
