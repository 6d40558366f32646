package io.sluice.gateway.kafka;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Writes records to the events topic. The only thing the HTTP layer knows about Kafka, so the
 * client underneath can change without touching it (it did: reactor-kafka, discontinued upstream,
 * until 2026-12-01; the Kafka producer itself since).
 */
public interface EventPublisher {

    /**
     * Completes once Kafka has acknowledged every record ({@code acks=all}); fails with
     * {@link PublishException} if any record was not acknowledged within the configured timeout.
     */
    Mono<Void> publish(List<OutboundRecord> records);
}
