package io.sluice.gateway.kafka;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Writes records to the events topic. The only thing the HTTP layer knows about Kafka; the
 * reactor-kafka implementation sits behind it so it can be swapped (reactor-kafka is discontinued
 * upstream).
 */
public interface EventPublisher {

    /**
     * Completes once Kafka has acknowledged every record ({@code acks=all}); fails with
     * {@link PublishException} if any record was not acknowledged within the configured timeout.
     */
    Mono<Void> publish(List<OutboundRecord> records);
}
