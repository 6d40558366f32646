package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.ConsumedBatch;
import io.sluice.scorer.consume.ConsumedRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A stored poll's offset commit runs alongside the next poll, and shutdown still waits for it. */
class EventIngestorCommitTest {

    @Test
    void theNextPollIsStoredWhileACommitIsInFlightAndStopWaitsForIt() throws Exception {
        Sinks.Many<ConsumedBatch> polls = Sinks.many().unicast().onBackpressureBuffer();
        Sinks.Empty<Void> firstCommit = Sinks.empty();
        AtomicInteger firstCommitted = new AtomicInteger();
        AtomicInteger secondCommitted = new AtomicInteger();
        ScorerProperties props = new ScorerProperties(null, null, null, null, null, null, null, Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofSeconds(10), null, null, null, null, null, null, null, null);
        // Undecodable records only: each poll is dead-lettered and committed without a database.
        EventIngestor ingestor = new EventIngestor(polls::asFlux, new BatchStore(null, null), letters -> Mono.empty(),
                props, new SimpleMeterRegistry());
        ingestor.start();
        Thread stopping = null;
        try {
            polls.tryEmitNext(new ConsumedBatch(List.of(bad(1)),
                    () -> firstCommit.asMono().doOnSuccess(v -> firstCommitted.incrementAndGet())));
            polls.tryEmitNext(new ConsumedBatch(List.of(bad(2)), () -> Mono.fromRunnable(secondCommitted::incrementAndGet)));
            awaitTrue(() -> secondCommitted.get() == 1, "the second poll is committed");
            assertThat(firstCommitted).as("the first poll's commit is still in flight").hasValue(0);

            Thread stop = new Thread(ingestor::stop, "stopping");
            stopping = stop;
            stop.start();
            awaitTrue(() -> stop.getState() == Thread.State.TIMED_WAITING, "stop waits");
            assertThat(stop.isAlive()).as("stop returned before the commit in flight completed").isTrue();

            firstCommit.tryEmitEmpty();
            stop.join(Duration.ofSeconds(10));
            assertThat(stop.isAlive()).isFalse();
            assertThat(firstCommitted).hasValue(1);
        } finally {
            firstCommit.tryEmitEmpty();
            if (stopping == null) {
                ingestor.stop();
            }
        }
    }

    private static ConsumedRecord bad(long offset) {
        return new ConsumedRecord("sluice.events", 0, offset, null, "not an event".getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
