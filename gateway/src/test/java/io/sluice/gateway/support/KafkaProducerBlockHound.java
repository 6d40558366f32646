package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The one wait BlockHound may see on an event loop: the Kafka producer's memory pool takes a
 * {@code ReentrantLock} for a few instructions to hand out or take back a batch buffer (both on the
 * caller's thread: an append that lost the race to open a batch gives its buffer back), and on
 * two cores the producer's I/O thread sometimes holds it at that moment. Waiting for free memory
 * inside the same method cannot happen on an event loop: the publisher refuses a request before
 * the pool could run out (sluice.kafka.max-unacknowledged-bytes). Waiting for topic metadata
 * ({@code KafkaProducer.waitOnMetadata}) is not allowed and fails the test.
 */
public class KafkaProducerBlockHound implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("org.apache.kafka.clients.producer.internals.BufferPool", "allocate");
        builder.allowBlockingCallsInside("org.apache.kafka.clients.producer.internals.BufferPool", "deallocate");
    }
}
