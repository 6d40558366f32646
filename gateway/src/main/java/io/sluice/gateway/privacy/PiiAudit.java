package io.sluice.gateway.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Counts, per project, UTC day and personal-data field, the accepted events that carried the field
 * (names and counts, never values). Counts add up in memory and are added to {@code pii_audit}
 * every second (and on shutdown), so the hot path makes no database call.
 */
@Component
public class PiiAudit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PiiAudit.class);

    record Key(String projectId, LocalDate day, String field) {
    }

    private final DatabaseClient db;
    private final Clock clock;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();
    private volatile Disposable flusher;

    public PiiAudit(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Counts each event's fields. Consecutive events that share one set (as {@link PrivacyPolicy}
     * hands out for events with the same blocks) are counted together, once per field.
     */
    public void record(String projectId, Iterable<Set<String>> presentPerEvent) {
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Set<String> run = null;
        long events = 0;
        for (Set<String> fields : presentPerEvent) {
            if (fields != run) {
                add(projectId, day, run, events);
                run = fields;
                events = 0;
            }
            events++;
        }
        add(projectId, day, run, events);
    }

    private void add(String projectId, LocalDate day, Set<String> fields, long events) {
        if (fields == null || events == 0) {
            return;
        }
        for (String field : fields) {
            pending.computeIfAbsent(new Key(projectId, day, field), k -> new LongAdder()).add(events);
        }
    }

    /** What is counted and not yet flushed for one field (tests). */
    long counted(String projectId, LocalDate day, String field) {
        LongAdder n = pending.get(new Key(projectId, day, field));
        return n == null ? 0 : n.sum();
    }

    /** Adds what was counted since the last flush to PostgreSQL. */
    public Mono<Void> flush() {
        return Flux.fromIterable(pending.keySet())
                .concatMap(key -> {
                    long n = pending.get(key).sumThenReset();
                    if (n == 0) {
                        pending.remove(key);
                        return Mono.empty();
                    }
                    return db.sql("INSERT INTO pii_audit (project_id, day, field, events) VALUES ($1, $2, $3, $4) "
                                    + "ON CONFLICT (project_id, day, field) DO UPDATE SET events = pii_audit.events + EXCLUDED.events")
                            .bind(0, key.projectId()).bind(1, key.day()).bind(2, key.field()).bind(3, n)
                            .fetch().rowsUpdated()
                            .onErrorResume(e -> {
                                pending.computeIfAbsent(key, k -> new LongAdder()).add(n); // try again next time
                                log.warn("PII audit flush failed, will retry: {}", e.toString());
                                return Mono.empty();
                            });
                })
                .then();
    }

    @Override
    public void start() {
        flusher = Flux.interval(Duration.ofSeconds(1), Schedulers.parallel()).onBackpressureDrop()
                .concatMap(t -> flush(), 0).subscribe();
    }

    @Override
    public void stop() {
        Disposable f = flusher;
        if (f != null) {
            f.dispose();
        }
        flush().block(Duration.ofSeconds(5));
    }

    @Override
    public boolean isRunning() {
        Disposable f = flusher;
        return f != null && !f.isDisposed();
    }
}
