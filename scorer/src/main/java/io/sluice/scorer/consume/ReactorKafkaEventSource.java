package io.sluice.scorer.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sluice.scorer.ScorerProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverRecord;
import reactor.kafka.receiver.internals.ConsumerFactory;

/** {@link EventSource} on reactor-kafka with manual, explicit commits. */
public class ReactorKafkaEventSource implements EventSource {

    private final KafkaReceiver<byte[], byte[]> receiver;
    private final long mergeBytes;
    private final Duration mergeWait;

    public ReactorKafkaEventSource(ScorerProperties props, MeterRegistry meters) {
        Map<String, Object> config = consumerConfig(props);
        this.mergeBytes = props.mergeBytes().toBytes();
        this.mergeWait = props.mergeWait();
        ReceiverOptions<byte[], byte[]> options = ReceiverOptions.<byte[], byte[]>create(config)
                .subscription(List.of(props.topic()))
                // Commits happen only when the pipeline asks, after the rows are durable.
                .commitBatchSize(0)
                .commitInterval(Duration.ZERO)
                // A commit runs on the consumer thread after the poll in progress returns.
                .pollTimeout(props.pollTimeout())
                // On revocation reactor-kafka waits for every received record to be acknowledged;
                // the pipeline takes the next batch only after a commit, which the rebalance itself
                // holds up: cap the wait (60 s by default) and let the next owner re-read the rest,
                // which idempotent writes make harmless (ScorerReplicasIT).
                .maxDelayRebalance(Duration.ofSeconds(2));
        // Kafka's own consumer metrics (lag per partition and max lag) go to Micrometer.
        this.receiver = KafkaReceiver.create(new ConsumerFactory() {
            @Override
            public <K, V> Consumer<K, V> createConsumer(ReceiverOptions<K, V> config) {
                Consumer<K, V> consumer = super.createConsumer(config);
                new KafkaClientMetrics(consumer).bindTo(meters);
                return consumer;
            }
        }, options);
    }

    /** The consumer's settings: ours, then {@code sluice.scorer.consumer.*} verbatim over them. */
    static Map<String, Object> consumerConfig(ScorerProperties props) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-scorer");
        // A crashed replica's partitions move to the others after 10 s rather than Kafka's 45 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        config.putAll(props.consumer());
        return config;
    }

    @Override
    public Flux<ConsumedBatch> batches() {
        Flux<List<ReceiverRecord<byte[], byte[]>>> polls = receiver.receiveBatch(1)
                .concatMap(poll -> poll.collectList(), 0)
                .filter(list -> !list.isEmpty());
        return PollMerger.merge(polls, ReactorKafkaEventSource::size, mergeBytes, mergeWait, Schedulers.parallel())
                .map(ReactorKafkaEventSource::toBatch);
    }

    private static long size(ReceiverRecord<byte[], byte[]> record) {
        return record.value() == null ? 0 : record.value().length;
    }

    static ConsumedBatch toBatch(List<ReceiverRecord<byte[], byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream()
                .map(r -> new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()))
                .toList();
        // The committer keeps the offsets only: holding the records until the commit kept every
        // value of a stored poll in the heap while the next polls were prepared.
        List<ReceiverOffset> offsets = records.stream().map(ReceiverRecord::receiverOffset).toList();
        return new ConsumedBatch(consumed, () -> {
            offsets.forEach(ReceiverOffset::acknowledge);
            return offsets.get(offsets.size() - 1).commit().then(Mono.empty());
        });
    }
}
