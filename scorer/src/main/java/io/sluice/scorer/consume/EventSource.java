package io.sluice.scorer.consume;

import reactor.core.publisher.Flux;

/**
 * Where the scorer's records come from. The only Kafka-facing type the pipeline knows; the
 * reactor-kafka implementation sits behind it so it can be swapped (reactor-kafka is discontinued
 * upstream).
 */
public interface EventSource {

    /**
     * Batches in poll order. Demand drives polling: while the subscriber is busy with a batch, no
     * more are fetched (the consumer's partitions are paused), so a slow database holds records in
     * Kafka rather than in memory.
     */
    Flux<ConsumedBatch> batches();
}
