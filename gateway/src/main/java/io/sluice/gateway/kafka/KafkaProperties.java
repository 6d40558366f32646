package io.sluice.gateway.kafka;

import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's Kafka producer ({@code sluice.kafka.*}).
 *
 * @param bootstrapServers  Kafka bootstrap servers. Default {@code localhost:9092}.
 * @param topic             events topic. Default {@code sluice.events}.
 * @param ackTimeout        longest wait for Kafka's acknowledgement before answering 503. Also the
 *                          producer's {@code delivery.timeout.ms}. Default 5s.
 * @param retryAfter        the {@code Retry-After} sent with that 503. Default 5s.
 * @param granularity       {@code request}: one record per request carrying its accepted events
 *                          (default, see docs/decisions.md); {@code event}: one record per event.
 * @param compression       producer {@code compression.type}. Default {@code lz4}.
 * @param linger            producer {@code linger.ms}. Default 5ms.
 * @param batchSize         producer {@code batch.size} in bytes. Default 262144.
 * @param maxRecordBytes    producer {@code max.request.size}; a request whose record is larger is
 *                          answered 413. Default 1048576 (the broker's default message size).
 * @param producer          any other producer settings, passed through verbatim.
 * @param createTopic       create the topic at startup if it does not exist. Default false (in
 *                          production the topic is usually managed, e.g. a Strimzi KafkaTopic).
 * @param partitions        partitions when creating the topic. Default 12.
 * @param replicationFactor replication factor when creating the topic. Default 3.
 */
@Validated
@ConfigurationProperties("sluice.kafka")
public record KafkaProperties(
        @NotBlank String bootstrapServers,
        @NotBlank String topic,
        Duration ackTimeout,
        Duration retryAfter,
        Granularity granularity,
        String compression,
        Duration linger,
        Integer batchSize,
        Integer maxRecordBytes,
        Map<String, String> producer,
        Boolean createTopic,
        Integer partitions,
        Short replicationFactor) {

    public enum Granularity { REQUEST, EVENT }

    /** Settings for an admin client on the same cluster: bootstrap plus any security settings. */
    public java.util.Map<String, Object> adminClientConfig() {
        java.util.Map<String, Object> config = new java.util.HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        producer.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                config.put(k, v);
            }
        });
        return config;
    }

    public KafkaProperties {
        bootstrapServers = bootstrapServers == null ? "localhost:9092" : bootstrapServers;
        topic = topic == null ? "sluice.events" : topic;
        ackTimeout = ackTimeout == null ? Duration.ofSeconds(5) : ackTimeout;
        retryAfter = retryAfter == null ? Duration.ofSeconds(5) : retryAfter;
        granularity = granularity == null ? Granularity.REQUEST : granularity;
        compression = compression == null ? "lz4" : compression;
        linger = linger == null ? Duration.ofMillis(5) : linger;
        batchSize = batchSize == null ? 262_144 : batchSize;
        maxRecordBytes = maxRecordBytes == null ? 1_048_576 : maxRecordBytes;
        producer = producer == null ? Map.of() : Map.copyOf(producer);
        createTopic = createTopic != null && createTopic;
        partitions = partitions == null ? 12 : partitions;
        replicationFactor = replicationFactor == null ? 3 : replicationFactor;
    }
}
