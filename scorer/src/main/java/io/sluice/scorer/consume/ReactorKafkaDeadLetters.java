package io.sluice.scorer.consume;

import io.sluice.scorer.ScorerProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;

/**
 * {@link DeadLetters} on reactor-kafka: the original key and value, plus headers
 * {@code sluice-dlq-reason} and {@code sluice-dlq-source} ({@code topic-partition@offset}).
 */
public class ReactorKafkaDeadLetters implements DeadLetters, AutoCloseable {

    public static final String REASON_HEADER = "sluice-dlq-reason";
    public static final String SOURCE_HEADER = "sluice-dlq-source";

    private final KafkaSender<byte[], byte[]> sender;
    private final String topic;

    public ReactorKafkaDeadLetters(ScorerProperties props) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, props.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-scorer-dlq");
        props.consumer().forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                config.put(k, v);
            }
        });
        this.sender = KafkaSender.create(SenderOptions.create(config));
        this.topic = props.deadLetterTopic();
    }

    @Override
    public Mono<Void> publish(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Mono.empty();
        }
        return sender.send(Flux.fromIterable(letters).map(l -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(REASON_HEADER, l.reason().getBytes(StandardCharsets.UTF_8)));
            ConsumedRecord r = l.record();
            headers.add(new RecordHeader(SOURCE_HEADER,
                    (r.topic() + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8)));
            return SenderRecord.create(new ProducerRecord<>(topic, null, null, r.key(), r.value(), headers), null);
        })).then();
    }

    @Override
    public void close() {
        sender.close();
    }
}
