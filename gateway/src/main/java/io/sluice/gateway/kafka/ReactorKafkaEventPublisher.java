package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.common.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;

/** {@link EventPublisher} on reactor-kafka: idempotent, {@code acks=all}, compressed. */
public class ReactorKafkaEventPublisher implements EventPublisher, AutoCloseable {

    private final KafkaSender<byte[], byte[]> sender;
    private final KafkaProperties props;
    private final Timer sendTimer;
    private final Counter failures;
    private final Counter recordsSent;

    public ReactorKafkaEventPublisher(KafkaProperties props, MeterRegistry meters) {
        this.props = props;
        this.sender = KafkaSender.create(SenderOptions.<byte[], byte[]>create(producerConfig(props))
                .maxInFlight(4096)
                .stopOnError(true));
        this.sendTimer = Timer.builder("sluice_kafka_send").description("Time from send to Kafka ack, per request")
                .publishPercentileHistogram().register(meters);
        this.failures = meters.counter("sluice_kafka_send_errors");
        this.recordsSent = meters.counter("sluice_kafka_records_sent");
    }

    static Map<String, Object> producerConfig(KafkaProperties props) {
        long ackMs = props.ackTimeout().toMillis();
        long lingerMs = props.linger().toMillis();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, props.compression());
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, props.batchSize());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, props.maxRecordBytes());
        // The producer gives up on a record no later than we give up on the request, so a 503
        // rarely leaves a record that is written later anyway.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ackMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, ackMs - lingerMs - 100));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackMs);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-gateway");
        config.putAll(props.producer());
        return config;
    }

    @Override
    public Mono<Void> publish(List<OutboundRecord> records) {
        if (records.isEmpty()) {
            return Mono.empty();
        }
        Flux<SenderRecord<byte[], byte[], Integer>> outbound = Flux.fromIterable(records)
                .map(r -> SenderRecord.create(toProducerRecord(r), r.eventCount()));
        Timer.Sample sample = Timer.start();
        return sender.send(outbound)
                .then()
                .timeout(props.ackTimeout())
                .doOnSuccess(v -> {
                    sample.stop(sendTimer);
                    recordsSent.increment(records.size());
                })
                .onErrorMap(e -> {
                    failures.increment();
                    Throwable cause = e.getCause() != null && !(e instanceof TimeoutException) ? e.getCause() : e;
                    boolean tooLarge = e instanceof RecordTooLargeException || cause instanceof RecordTooLargeException;
                    String message = e instanceof TimeoutException
                            ? "Kafka did not acknowledge within " + props.ackTimeout().toMillis() + " ms"
                            : "Kafka refused the record: " + cause.getMessage();
                    return new PublishException(message, e, tooLarge);
                });
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(OutboundRecord r) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(EventCodec.FORMAT_HEADER, r.format().getBytes(StandardCharsets.US_ASCII)));
        headers.add(new RecordHeader(EventCodec.COUNT_HEADER,
                Integer.toString(r.eventCount()).getBytes(StandardCharsets.US_ASCII)));
        return new ProducerRecord<>(props.topic(), null, null, r.key(), r.value(), headers);
    }

    /** Flushes what is buffered and closes the producer (graceful shutdown). */
    @Override
    public void close() {
        sender.close();
    }
}
