package io.sluice.scorer.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.event.MalformedEventException;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.ConsumedBatch;
import io.sluice.scorer.consume.ConsumedRecord;
import io.sluice.scorer.consume.DeadLetters;
import io.sluice.scorer.consume.DeadLetters.DeadLetter;
import io.sluice.scorer.consume.EventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The scorer's storage loop: batch from Kafka, decode, write to PostgreSQL (retrying until it
 * succeeds), then commit the batch's offsets. One batch at a time, so offsets are committed in
 * order and never ahead of the rows.
 *
 * <p>On shutdown it stops taking new batches, lets the one in flight finish and commit, then
 * closes the consumer; records it did not commit are redelivered to the next owner.
 */
public class EventIngestor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventIngestor.class);

    private final EventSource source;
    private final BatchStore store;
    private final DeadLetters deadLetters;
    private final EventCodec codec = new EventCodec();
    private final ScorerProperties props;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter poison;
    private final Counter writeRetries;
    private final Counter commitFailures;
    private final Timer batchTimer;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile CountDownLatch drained = new CountDownLatch(0);
    private volatile Disposable subscription;

    public EventIngestor(EventSource source, BatchStore store, DeadLetters deadLetters, ScorerProperties props,
            MeterRegistry meters) {
        this.source = source;
        this.deadLetters = deadLetters;
        this.store = store;
        this.props = props;
        this.stored = meters.counter("sluice_scorer_events_stored");
        this.duplicates = meters.counter("sluice_scorer_events_duplicate");
        this.poison = meters.counter("sluice_scorer_records_poison");
        this.writeRetries = meters.counter("sluice_scorer_write_retries");
        this.commitFailures = meters.counter("sluice_scorer_commit_failures");
        this.batchTimer = Timer.builder("sluice_scorer_batch").description("Decode, store and commit one poll batch")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void start() {
        stopping.set(false);
        subscription = source.batches()
                .concatMap(this::process, 0)
                .subscribe(null, e -> log.error("scorer pipeline stopped unexpectedly", e));
        log.info("scorer consuming {} as group {}", props.topic(), props.groupId());
    }

    private Mono<Void> process(ConsumedBatch batch) {
        if (stopping.get()) {
            // Not stored, not committed: the next owner of these partitions gets them again.
            return Mono.empty();
        }
        inFlight.incrementAndGet();
        Timer.Sample sample = Timer.start();
        List<DeadLetter> poisoned = new ArrayList<>();
        List<CanonicalEvent> events = decode(batch.records(), poisoned);
        // Dead letters first: once they are in Kafka, the batch's offsets may move past them.
        return deadLetters.publish(poisoned)
                .retryWhen(retry("dead-lettering " + poisoned.size() + " records"))
                .doOnSuccess(v -> poison.increment(poisoned.size()))
                .then(store.store(events).retryWhen(retry("storing " + events.size() + " events")))
                .flatMap(inserted -> {
                    stored.increment(inserted);
                    duplicates.increment(events.size() - inserted);
                    // A commit can fail when a rebalance moved the partitions away meanwhile: the rows
                    // are durable, the next owner re-reads the records and stores nothing twice.
                    return batch.commit().onErrorResume(e -> {
                        commitFailures.increment();
                        log.warn("offset commit failed ({}); the partitions' next owner re-reads these {} records",
                                e.toString(), batch.records().size());
                        return Mono.empty();
                    });
                })
                .doFinally(s -> {
                    sample.stop(batchTimer);
                    if (inFlight.decrementAndGet() == 0) {
                        drained.countDown();
                    }
                });
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? t.toString() : t.getMessage() + " (cause: " + root + ")";
    }

    private Retry retry(String what) {
        return Retry.backoff(Long.MAX_VALUE, props.retryMin())
                .maxBackoff(props.retryMax())
                .doBeforeRetry(signal -> {
                    writeRetries.increment();
                    log.warn("{} failed (attempt {}), retrying: {}", what, signal.totalRetries() + 1,
                            rootCause(signal.failure()));
                });
    }

    private List<CanonicalEvent> decode(List<ConsumedRecord> records, List<DeadLetter> poisoned) {
        List<CanonicalEvent> events = new ArrayList<>(records.size());
        for (ConsumedRecord r : records) {
            try {
                events.addAll(codec.decode(r.value() == null ? new byte[0] : r.value()));
            } catch (MalformedEventException e) {
                log.error("dead-lettering undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
                poisoned.add(new DeadLetter(r, e.getMessage()));
            }
        }
        return events;
    }

    @Override
    public void stop() {
        drained = new CountDownLatch(1);
        stopping.set(true);
        if (inFlight.get() > 0) {
            try {
                if (!drained.await(props.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("batch still in flight after {}; its records will be redelivered", props.drainTimeout());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
        log.info("scorer stopped");
    }

    @Override
    public boolean isRunning() {
        Disposable s = subscription;
        return s != null && !s.isDisposed();
    }

    @Override
    public int getPhase() {
        // Stop before the R2DBC pool and the web server.
        return Integer.MAX_VALUE - 100;
    }
}
