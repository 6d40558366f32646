package io.sluice.scorer.alert;

import io.sluice.common.alert.AlertChange;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes alert changes to Kafka with reactor-kafka: key = alert id (one alert's changes stay in
 * order on one partition), value = the change as JSON, header {@code sluice-change-id}.
 * Idempotent producer, {@code acks=all}.
 */
public class ReactorKafkaAlertSink implements AlertSink, AutoCloseable {

    private final KafkaSender<byte[], byte[]> sender;
    private final String topic;
    private final JsonMapper json;

    public ReactorKafkaAlertSink(String bootstrapServers, String topic, JsonMapper json) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-scorer-alerts");
        this.sender = KafkaSender.create(SenderOptions.<byte[], byte[]>create(config)
                .withKeySerializer(new ByteArraySerializer()).withValueSerializer(new ByteArraySerializer()));
        this.topic = topic;
        this.json = json;
    }

    @Override
    public Mono<Void> send(List<AlertChange> changes) {
        Flux<SenderRecord<byte[], byte[], Long>> records = Flux.fromIterable(changes).map(c -> {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, c.alert().id().getBytes(StandardCharsets.UTF_8),
                    json.writeValueAsBytes(c));
            r.headers().add("sluice-change-id", Long.toString(c.changeId()).getBytes(StandardCharsets.UTF_8));
            return SenderRecord.create(r, c.changeId());
        });
        return sender.send(records).doOnNext(result -> {
            if (result.exception() != null) {
                throw new IllegalStateException("alert change " + result.correlationMetadata() + " not published",
                        result.exception());
            }
        }).then();
    }

    @Override
    public void close() {
        sender.close();
    }
}
