package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.ConsumedBatch;
import io.sluice.scorer.consume.ConsumedRecord;
import io.sluice.scorer.consume.DeadLetters.DeadLetter;
import io.sluice.scorer.consume.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A failure outside the writes (the consumer dying) restarts the pipeline instead of ending it. */
class EventIngestorRestartTest {

    @Test
    void aFailedSourceIsResubscribedAndReadinessIsDownUntilAPollIsStored() {
        AtomicInteger subscriptions = new AtomicInteger();
        Sinks.Many<ConsumedBatch> second = Sinks.many().unicast().onBackpressureBuffer();
        EventSource source = () -> subscriptions.incrementAndGet() == 1
                ? Flux.error(new IllegalStateException("consumer closed"))
                : second.asFlux();
        List<DeadLetter> deadLettered = new CopyOnWriteArrayList<>();
        AtomicInteger commits = new AtomicInteger();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScorerProperties props = new ScorerProperties(null, null, null, null, null, null, null, Duration.ofMillis(10),
                Duration.ofMillis(50), Duration.ofSeconds(1), null, null, null, null, null, null, null, null);
        EventIngestor ingestor = new EventIngestor(source, new BatchStore(null, null), letters -> {
            deadLettered.addAll(letters);
            return Mono.empty();
        }, props, meters);
        StoragePipelineHealthIndicator health = new StoragePipelineHealthIndicator(ingestor);

        ingestor.start();
        try {
            awaitTrue(() -> subscriptions.get() == 2, "the source is subscribed again");
            assertThat(meters.counter("sluice_scorer_pipeline_restarts").count()).isEqualTo(1.0);
            assertThat(ingestor.isRunning()).isTrue();
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

            // An undecodable record: dead-lettered, then the poll is committed.
            ConsumedRecord bad = new ConsumedRecord("sluice.events", 0, 7, null,
                    "not an event".getBytes(StandardCharsets.UTF_8));
            second.tryEmitNext(new ConsumedBatch(List.of(bad), () -> Mono.fromRunnable(commits::incrementAndGet)));
            awaitTrue(() -> commits.get() == 1, "the poll after the restart is committed");
            assertThat(deadLettered).extracting(d -> d.record().offset()).containsExactly(7L);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        } finally {
            ingestor.stop();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
