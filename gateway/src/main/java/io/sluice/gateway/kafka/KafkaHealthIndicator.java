package io.sluice.gateway.kafka;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Readiness of the events topic: the cluster answers and the topic's partitions have leaders.
 * Non-blocking (Kafka admin futures), bounded by a timeout. Part of the readiness group only:
 * a gateway that cannot reach Kafka should get no traffic, but must not be restarted for it.
 */
@Component("kafka")
public class KafkaHealthIndicator implements ReactiveHealthIndicator, AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final String topic;

    public KafkaHealthIndicator(KafkaProperties props) {
        this.topic = props.topic();
        Map<String, Object> config = props.adminClientConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-gateway-health");
        this.admin = Admin.create(config);
    }

    @Override
    public Mono<Health> health() {
        int timeoutMs = (int) TIMEOUT.toMillis();
        return Mono.fromFuture(admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                        .nodes().toCompletionStage().toCompletableFuture())
                .zipWith(Mono.fromFuture(admin.describeTopics(java.util.List.of(topic),
                        new DescribeTopicsOptions().timeoutMs(timeoutMs)).allTopicNames()
                        .toCompletionStage().toCompletableFuture()))
                .map(t -> {
                    var description = t.getT2().get(topic);
                    long leaderless = description.partitions().stream().filter(p -> p.leader() == null).count();
                    Health.Builder health = leaderless == 0 ? Health.up() : Health.down();
                    return health.withDetail("brokers", t.getT1().size())
                            .withDetail("topic", topic)
                            .withDetail("partitions", description.partitions().size())
                            .withDetail("partitionsWithoutLeader", leaderless)
                            .build();
                })
                .timeout(TIMEOUT.plusSeconds(1))
                .onErrorResume(e -> Mono.just(Health.down().withDetail("topic", topic)
                        .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build()));
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
