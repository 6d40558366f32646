package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sluice.common.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * {@link EventPublisher} on the Kafka producer itself: idempotent, {@code acks=all}, compressed.
 *
 * <p>Records are handed to the producer on the caller's thread (an event loop); the producer's
 * I/O thread completes the request when Kafka acknowledges. reactor-kafka's sender, used until
 * 2026-12-01, moved every send to a thread of its own, a wake-up per request (docs/decisions.md).
 * {@code KafkaProducer.send} can wait for two things, topic metadata and producer memory; with
 * {@code max.block.ms} fixed at 0 it never does: a record that would have to wait fails at once,
 * and the request is answered 503. The topic's metadata is loaded at startup, off the event loops.
 */
public class KafkaProducerEventPublisher implements EventPublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaProducerEventPublisher.class);
    /** Keeps the topic in the producer's metadata however long it is idle. */
    private static final long METADATA_IDLE_MS = Duration.ofDays(3650).toMillis();

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaProperties props;
    private final Timer sendTimer;
    private final Counter failures;
    private final Counter recordsSent;
    private final KafkaClientMetrics producerMetrics;
    private final Disposable preparing;
    /** Counted down once the producer has learnt the topic's partitions. */
    private final CountDownLatch ready = new CountDownLatch(1);

    public KafkaProducerEventPublisher(KafkaProperties props, MeterRegistry meters) {
        this.props = props;
        this.producer = new KafkaProducer<>(producerConfig(props));
        this.sendTimer = Timer.builder("sluice_kafka_send").description("Time from send to Kafka ack, per request")
                .publishPercentileHistogram().register(meters);
        this.failures = meters.counter("sluice_kafka_send_errors");
        this.recordsSent = meters.counter("sluice_kafka_records_sent");
        this.producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(meters);
        this.preparing = prepare();
    }

    /** The producer's settings; public so the benchmark's ceiling server sends with exactly these. */
    public static Map<String, Object> producerConfig(KafkaProperties props) {
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
        config.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, METADATA_IDLE_MS);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-gateway");
        config.putAll(props.producer());
        // Not overridable: send runs on an event loop and must never wait (for metadata or memory).
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        return config;
    }

    /**
     * Loads the topic's partitions, retrying until Kafka answers (each try fails at once while the
     * producer does not know them, and asks for them).
     */
    private Disposable prepare() {
        return Mono.fromCallable(() -> producer.partitionsFor(props.topic()).size())
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(r -> {
                            if (r.totalRetries() % 20 == 19) {
                                log.warn("topic {} still not known to the producer ({})", props.topic(),
                                        r.failure().toString());
                            }
                        }))
                .subscribe(partitions -> {
                    ready.countDown();
                    log.info("producer ready: topic {} has {} partitions", props.topic(), partitions);
                }, e -> log.error("producer preparation stopped", e));
    }

    /** True once the producer has learnt the topic's partitions: a send then need not wait for them. */
    public boolean ready() {
        return ready.getCount() == 0;
    }

    /**
     * Startup only (blocks the calling thread): waits up to {@code timeout} for {@link #ready()},
     * so the first requests are not refused; false if Kafka did not answer by then.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Mono<Void> publish(List<OutboundRecord> records) {
        if (records.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> send(records));
    }

    private Mono<Void> send(List<OutboundRecord> records) {
        Timer.Sample sample = Timer.start();
        return Mono.<Void>create(sink -> sendAll(records, sink))
                .timeout(props.ackTimeout())
                .doOnSuccess(v -> {
                    sample.stop(sendTimer);
                    recordsSent.increment(records.size());
                })
                .onErrorMap(e -> {
                    failures.increment();
                    boolean tooLarge = e instanceof RecordTooLargeException;
                    String message = e instanceof TimeoutException
                            ? "Kafka did not acknowledge within " + props.ackTimeout().toMillis() + " ms"
                            : "Kafka refused the record: " + e.getMessage();
                    return new PublishException(message, e, tooLarge);
                });
    }

    /** Succeeds when Kafka acknowledged every record (on the producer's I/O thread), fails on the first refusal. */
    private void sendAll(List<OutboundRecord> records, MonoSink<Void> sink) {
        AtomicInteger remaining = new AtomicInteger(records.size());
        Callback acknowledged = (metadata, e) -> {
            if (e != null) {
                sink.error(e);
            } else if (remaining.decrementAndGet() == 0) {
                sink.success();
            }
        };
        for (OutboundRecord r : records) {
            try {
                producer.send(toProducerRecord(r), acknowledged);
            } catch (RuntimeException e) {
                // Not a Kafka refusal (those come through the callback): the producer is closed or broken.
                sink.error(e);
                return;
            }
        }
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(OutboundRecord r) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(EventCodec.FORMAT_HEADER, r.format().getBytes(StandardCharsets.US_ASCII)));
        headers.add(new RecordHeader(EventCodec.COUNT_HEADER,
                Integer.toString(r.eventCount()).getBytes(StandardCharsets.US_ASCII)));
        return new ProducerRecord<>(props.topic(), null, null, r.key(), r.value(), headers);
    }

    /** Sends what is buffered, waiting at most the ack timeout, and closes the producer (graceful shutdown). */
    @Override
    public void close() {
        preparing.dispose();
        producerMetrics.close();
        producer.close(props.ackTimeout().plusSeconds(1));
    }
}
