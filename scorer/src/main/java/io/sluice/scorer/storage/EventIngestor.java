package io.sluice.scorer.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.common.event.MalformedEventException;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.ConsumedBatch;
import io.sluice.scorer.consume.ConsumedRecord;
import io.sluice.scorer.consume.DeadLetters;
import io.sluice.scorer.consume.DeadLetters.DeadLetter;
import io.sluice.scorer.consume.EventSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The scorer's storage loop: batch from Kafka (one poll, or consecutive polls of small records
 * merged up to a byte budget), decode, write to PostgreSQL (retrying until it succeeds), then
 * commit the batch's offsets. One batch at a time, so offsets are committed in order and never
 * ahead of the rows; within a batch, the records are spread by key over
 * {@code writers} lanes that store in parallel, each on its own connection, because one
 * PostgreSQL backend runs on one core.
 *
 * <p>On shutdown it stops taking new batches, lets the one in flight finish and commit, then
 * closes the consumer; records it did not commit are redelivered to the next owner.
 */
public class EventIngestor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventIngestor.class);

    private final EventSource source;
    private final BatchStore store;
    private final DeadLetters deadLetters;
    private final CopyRows copyRows = new CopyRows();
    private final ScorerProperties props;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter poison;
    private final Counter writeRetries;
    private final Counter commitFailures;
    private final Counter restarts;
    private final Timer batchTimer;
    private final Timer writeTimer;
    private final DistributionSummary batchEvents;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile CountDownLatch drained = new CountDownLatch(0);
    private volatile Disposable subscription;
    private volatile Scheduler prepareThreads;
    /** Why the pipeline last failed, until a batch is stored again; null while it works. */
    private volatile Throwable failure;

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
        this.restarts = meters.counter("sluice_scorer_pipeline_restarts");
        this.batchTimer = Timer.builder("sluice_scorer_batch")
                .description("Store one batch of merged polls (encoding runs a batch ahead, its commit alongside the next)")
                .publishPercentileHistogram().register(meters);
        this.batchEvents = DistributionSummary.builder("sluice_scorer_batch_events")
                .description("Events in one stored batch (consecutive polls merged up to merge-bytes)")
                .register(meters);
        this.writeTimer = Timer.builder("sluice_scorer_write")
                .description("Store one transaction of at most batch-events events (one writer lane)")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void start() {
        stopping.set(false);
        // Decoding and COPY encoding are CPU work, one task per writer lane. Not Reactor's parallel
        // threads: those must never wait, and Jackson's caches lock briefly on first use.
        prepareThreads = Schedulers.newBoundedElastic(props.writers(), 4 * props.writers(), "sluice-scorer-prepare");
        subscription = Flux.defer(source::batches)
                // Decoding and encoding for COPY (on worker threads) run one batch ahead of storing,
                // so PostgreSQL does not wait while the scorer prepares the next batch. Storing and
                // committing stay one batch at a time, in poll order (a batch's commit runs while the next is stored).
                .concatMap(this::prepare, 0)
                .concatMap(this::storeAndCommit, 1)
                // Writes retry by themselves; anything else that ends the pipeline (the consumer
                // failing, a bug) restarts it with a new consumer after a back-off. What was not
                // committed is read again and stored once (idempotent writes); readiness is DOWN
                // until a batch is stored again.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, props.retryMin())
                        .maxBackoff(props.retryMax())
                        // A restart that stored polls again starts the next back-off from the start.
                        .transientErrors(true)
                        .filter(e -> !stopping.get())
                        .doBeforeRetry(signal -> {
                            restarts.increment();
                            failure = signal.failure();
                            log.error("scorer pipeline failed (restart {}), restarting it: {}",
                                    signal.totalRetries() + 1, rootCause(signal.failure()), signal.failure());
                        }))
                .subscribe(null, e -> {
                    failure = e;
                    log.error("scorer pipeline stopped", e);
                });
        log.info("scorer consuming {} as group {}", props.topic(), props.groupId());
    }

    /**
     * A batch (one or more polls) encoded for COPY, lane by lane, with its record count and
     * committer but not its records: their values are garbage once encoded, and a poll of 2,000
     * 50-event records is about 60 MB of them (holding them until the commit ran a 768 MB heap out
     * of memory on a backlog).
     */
    private record PreparedBatch(int records, Supplier<Mono<Void>> committer, List<PreparedLane> lanes) {

        List<DeadLetter> poisoned() {
            return lanes.stream().flatMap(l -> l.poisoned().stream()).toList();
        }

        int events() {
            return lanes.stream().mapToInt(PreparedLane::events).sum();
        }
    }

    /** One lane's events as transactions of at most {@code batch-events}, and its poison records. */
    private record PreparedLane(List<EventWriter.Staged> transactions, List<DeadLetter> poisoned, int events) {
    }

    private Mono<PreparedBatch> prepare(ConsumedBatch batch) {
        return Flux.fromIterable(lanes(batch.records(), props.writers()))
                .flatMapSequential(lane -> Mono.fromCallable(() -> prepareLane(lane)).subscribeOn(prepareThreads),
                        props.writers())
                .collectList()
                .map(lanes -> new PreparedBatch(batch.records().size(), batch.committer(), lanes));
    }

    /**
     * Encodes one lane's records for COPY, straight from their JSON, cut into transactions of at
     * most {@code batch-events}: a record's events that overflow a transaction start the next one
     * (rows end with the only unescaped newlines, so the cut is at the n-th one).
     */
    private PreparedLane prepareLane(List<ConsumedRecord> records) {
        int size = props.batchEvents();
        List<DeadLetter> poisoned = new ArrayList<>();
        List<EventWriter.Staged> transactions = new ArrayList<>();
        StringBuilder rows = new StringBuilder(64 * 1024);
        int pending = 0;
        for (ConsumedRecord r : records) {
            pending += encode(r, rows, poisoned);
            while (pending >= size) {
                int cut = endOfRow(rows, size);
                transactions.add(new EventWriter.Staged(size, rows.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
                rows.delete(0, cut);
                pending -= size;
            }
        }
        if (pending > 0) {
            transactions.add(new EventWriter.Staged(pending, rows.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return new PreparedLane(transactions, poisoned, transactions.stream().mapToInt(EventWriter.Staged::events).sum());
    }

    /** The index just after the n-th row's newline. */
    static int endOfRow(CharSequence rows, int n) {
        for (int i = 0; i < rows.length(); i++) {
            if (rows.charAt(i) == '\n' && --n == 0) {
                return i + 1;
            }
        }
        throw new IllegalStateException("fewer rows than counted");
    }

    private Mono<Void> storeAndCommit(PreparedBatch batch) {
        if (stopping.get()) {
            // Not stored, not committed: the next owner of these partitions gets them again.
            return Mono.empty();
        }
        inFlight.incrementAndGet();
        Timer.Sample sample = Timer.start();
        if (log.isDebugEnabled()) {
            log.debug("storing a batch of {} records: {} events in lanes of {} transactions", batch.records(),
                    batch.events(), batch.lanes().stream().map(l -> l.transactions().size()).toList());
        }
        List<DeadLetter> poisoned = batch.poisoned();
        // Dead letters first: once they are in Kafka, the batch's offsets may move past them.
        return deadLetters.publish(poisoned)
                .retryWhen(retry("dead-lettering " + poisoned.size() + " records"))
                .doOnSuccess(v -> poison.increment(poisoned.size()))
                .then(Flux.fromIterable(batch.lanes()).flatMap(this::storeLane, props.writers()).reduce(0, Integer::sum))
                .doOnNext(inserted -> {
                    failure = null;
                    stored.increment(inserted);
                    batchEvents.record(batch.events());
                    duplicates.increment(batch.events() - inserted);
                    commitInBackground(batch);
                })
                .then()
                .doFinally(s -> {
                    sample.stop(batchTimer);
                    release();
                });
    }

    /**
     * Commits a stored batch's offsets while the next batch is stored. The commit only runs on the
     * consumer thread after its poll in progress returns, and its answer arrives with the poll
     * after that, so waiting for it held up every batch by one or two poll timeouts. Commits are
     * still issued in poll order and only after the batch's rows are durable; shutdown waits for
     * them as for a store. A failed commit is logged and counted, as before: the rows are durable
     * and whoever reads the records again stores nothing twice.
     */
    private void commitInBackground(PreparedBatch batch) {
        inFlight.incrementAndGet();
        commit(batch).doFinally(s -> release()).subscribe();
    }

    private void release() {
        if (inFlight.decrementAndGet() == 0) {
            drained.countDown();
        }
    }

    /**
     * Splits a batch's records into writer lanes by record key, so the records of one key (the
     * gateway keys by project and session) are stored by one lane, in offset order, and two lanes
     * never update the same session at once. Keys are dealt largest first to the lane with the
     * fewest bytes so far, so the lanes finish together (the next batch waits for the slowest).
     * Not by partition: a batch often holds one partition only. Records without a key are grouped
     * by partition.
     */
    static List<List<ConsumedRecord>> lanes(List<ConsumedRecord> records, int writers) {
        Map<Object, List<ConsumedRecord>> byKey = new LinkedHashMap<>();
        for (ConsumedRecord r : records) {
            Object key = r.key() == null ? Integer.valueOf(r.partition()) : ByteBuffer.wrap(r.key());
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        record Group(List<ConsumedRecord> records, long bytes) {
        }
        List<Group> groups = new ArrayList<>(byKey.size());
        byKey.values().forEach(g -> groups.add(new Group(g, bytes(g))));
        groups.sort(Comparator.comparingLong(Group::bytes).reversed());
        List<List<ConsumedRecord>> lanes = new ArrayList<>(writers);
        long[] load = new long[writers];
        for (int i = 0; i < writers; i++) {
            lanes.add(new ArrayList<>());
        }
        for (Group group : groups) {
            int lightest = 0;
            for (int i = 1; i < writers; i++) {
                if (load[i] < load[lightest]) {
                    lightest = i;
                }
            }
            lanes.get(lightest).addAll(group.records());
            load[lightest] += group.bytes();
        }
        lanes.removeIf(List::isEmpty);
        return lanes;
    }

    private static long bytes(List<ConsumedRecord> group) {
        long n = 0;
        for (ConsumedRecord r : group) {
            n += r.value() == null ? 1 : r.value().length + 1;
        }
        return n;
    }

    /** One lane's transactions, one after the other, each retried until it is stored. */
    private Mono<Integer> storeLane(PreparedLane lane) {
        return Flux.fromIterable(lane.transactions())
                .concatMap(staged -> Mono.defer(() -> {
                    Timer.Sample sample = Timer.start();
                    return store.store(staged).retryWhen(retry("storing " + staged.events() + " events"))
                            .doOnSuccess(n -> sample.stop(writeTimer));
                }))
                .reduce(0, Integer::sum);
    }

    private Mono<Void> commit(PreparedBatch batch) {
        // A commit can fail when a rebalance moved the partitions away meanwhile: the rows are
        // durable, the next owner re-reads the records and stores nothing twice.
        return batch.committer().get().onErrorResume(e -> {
            commitFailures.increment();
            log.warn("offset commit failed ({}); the partitions' next owner re-reads these {} records",
                    e.toString(), batch.records());
            return Mono.empty();
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

    private int encode(ConsumedRecord r, StringBuilder rows, List<DeadLetter> poisoned) {
        try {
            return copyRows.append(r.value() == null ? new byte[0] : r.value(), rows);
        } catch (MalformedEventException e) {
            log.error("dead-lettering undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            poisoned.add(new DeadLetter(r, e.getMessage()));
            return 0;
        }
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
        Scheduler threads = prepareThreads;
        if (threads != null) {
            threads.dispose();
        }
        log.info("scorer stopped");
    }

    /** Why the pipeline failed, if it has not stored a batch since; empty while it works. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
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
