package io.sluice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The publisher against a real broker: which thread sends, and what it does when Kafka falls behind. */
class KafkaProducerEventPublisherIT {

    /** Records the thread that hands each record to the producer (interceptors run inside {@code send}). */
    public static class SendingThreads implements ProducerInterceptor<byte[], byte[]> {
        static final Queue<String> NAMES = new ConcurrentLinkedQueue<>();

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            NAMES.add(Thread.currentThread().getName());
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    private static KafkaProperties props(String bootstrap, String topic, Duration ackTimeout, Map<String, String> producer) {
        return new KafkaProperties(bootstrap, topic, ackTimeout, null, null, null, null, null, null, producer, null, null,
                null);
    }

    private static OutboundRecord record(int bytes) {
        return new OutboundRecord("proj/sess".getBytes(), new byte[bytes], "batch", 1);
    }

    @Test
    void recordsAreHandedToTheProducerOnTheCallersThread() throws Exception {
        KraftBroker kafka = SharedInfrastructure.get().kafka();
        kafka.createTopic("publisher-thread", 1);
        Scheduler caller = Schedulers.newSingle("publishing-caller");
        try (var publisher = new KafkaProducerEventPublisher(props(kafka.bootstrapServers(), "publisher-thread",
                Duration.ofSeconds(10), Map.of("interceptor.classes", SendingThreads.class.getName())),
                new SimpleMeterRegistry())) {
            assertThat(publisher.awaitReady(Duration.ofSeconds(30))).isTrue();
            SendingThreads.NAMES.clear();

            Mono.defer(() -> publisher.publish(List.of(record(100)))).subscribeOn(caller).block(Duration.ofSeconds(15));

            // Not a thread of its own (reactor-kafka's sender): that hop cost a thread wake-up per request.
            assertThat(SendingThreads.NAMES).singleElement().asString().startsWith("publishing-caller-");
        } finally {
            caller.dispose();
        }
    }

    @Test
    void withoutTheTopicsMetadataASendFailsAtOnceInsteadOfHoldingTheEventLoop() {
        // Nothing listens there, so the producer never learns the topic's partitions. Sent from a
        // thread BlockHound treats as an event loop: a wait for metadata would fail with its error.
        try (var publisher = new KafkaProducerEventPublisher(props("127.0.0.1:1", "nowhere", Duration.ofSeconds(10),
                Map.of()), new SimpleMeterRegistry())) {
            assertThat(publisher.ready()).isFalse();

            long started = System.nanoTime();
            assertThatThrownBy(() -> Mono.defer(() -> publisher.publish(List.of(record(100))))
                    .subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(15)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("Kafka refused the record")
                    .hasMessageContaining("not present in metadata");
            // Well before the 10 s ack timeout (what the producer would wait with its default max.block.ms).
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void whenKafkaStopsSendsNeverHoldTheCallerAndEveryRequestEndsInAnError() throws Exception {
        SharedInfrastructure infra = SharedInfrastructure.get();
        KraftBroker broker = KraftBroker.start(infra.newDirectory("kafka-stops"), 0, 0);
        broker.createTopic("stops", 1);
        try (var publisher = new KafkaProducerEventPublisher(props(broker.bootstrapServers(), "stops",
                Duration.ofSeconds(4), Map.of()), new SimpleMeterRegistry())) {
            assertThat(publisher.awaitReady(Duration.ofSeconds(30))).isTrue();
            publisher.publish(List.of(record(4_000))).block(Duration.ofSeconds(10));
            broker.close();

            List<CompletableFuture<Void>> outcomes = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                outcomes.add(Mono.defer(() -> publisher.publish(List.of(record(4_000))))
                        .subscribeOn(Schedulers.parallel()).toFuture());
            }
            // Whether the producer still buffers them or already knows it cannot: each fails, none
            // is acknowledged, and none held its (non-blocking) thread for the ack timeout.
            for (CompletableFuture<Void> outcome : outcomes) {
                assertThatThrownBy(() -> outcome.get(15, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(PublishException.class);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(12));
        } finally {
            broker.close();
        }
    }
}
