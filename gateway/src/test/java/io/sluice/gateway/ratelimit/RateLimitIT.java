package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.TopicReader;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** Per-key limits charged per event, under concurrency, against a real gateway and Kafka. */
class RateLimitIT {

    static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start("--sluice.ratelimit.read-burst=3", "--sluice.ratelimit.reads-per-minute=3");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String body(int events) {
        StringBuilder b = new StringBuilder("{\"app_id\":\"rl\",\"events\":[");
        for (int i = 0; i < events; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"click\",\"timestamp\":\"")
                    .append(java.time.Instant.now().minusSeconds(5)).append("\",\"payload\":{\"n\":").append(i).append("}}");
        }
        return b.append("]}").toString();
    }

    private String keyWithLimit(String project, int perMinute, int burst) throws Exception {
        String key = gateway.newKey(project, DevData.ALL_SCOPES);
        try (Connection c = SharedPostgres.connect();
             var ps = c.prepareStatement("UPDATE api_keys SET rate_limit_per_minute = ?, rate_limit_burst = ? WHERE project_id = ?")) {
            ps.setInt(1, perMinute);
            ps.setInt(2, burst);
            ps.setString(3, project);
            ps.executeUpdate();
        }
        return key;
    }

    @Test
    void concurrentRequestsOnOneKeyNeverGetMoreThanTheBurstAndRejectedOnesStoreNothing() throws Exception {
        // 60 events a minute, burst 100: within this test only the burst is available.
        String key = keyWithLimit("proj-rl-burst", 60, 100);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        String body = body(7);
        List<EntityExchangeResult<byte[]>> results = Flux.range(0, 64)
                .parallel(16).runOn(Schedulers.boundedElastic())
                .map(i -> gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                        .expectBody().returnResult())
                .sequential().collectList().block(Duration.ofSeconds(60));
        for (EntityExchangeResult<byte[]> r : results) {
            if (r.getStatus().value() == 200) {
                ok.incrementAndGet();
            } else {
                assertThat(r.getStatus().value()).isEqualTo(429);
                assertThat(r.getResponseHeaders().getFirst("Retry-After")).matches("[1-9][0-9]*");
                String json = new String(r.getResponseBody());
                assertThat(json).contains("\"error\":\"Rate limit exceeded. Please reduce request frequency.\"")
                        .containsPattern("\"retry_after\":[1-9][0-9]*");
                limited.incrementAndGet();
            }
        }
        // 100 permits / 7 events per request = 14 requests at most; the rest are 429.
        assertThat(ok.get()).isEqualTo(14);
        assertThat(limited.get()).isEqualTo(50);

        // What reached Kafka is exactly what was acknowledged: nothing from a 429'd request.
        EventCodec codec = new EventCodec();
        var records = TopicReader.readUntil(gateway.kafka().bootstrapServers(), gateway.topic(),
                seen -> count(seen, codec, "proj-rl-burst") >= 98, Duration.ofSeconds(20));
        assertThat(count(records, codec, "proj-rl-burst")).isEqualTo(98);
    }

    private static long count(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records,
            EventCodec codec, String project) {
        return records.stream().flatMap(r -> codec.decode(r.value()).stream())
                .filter(e -> e.projectId().equals(project)).count();
    }

    @Test
    void aRequestLargerThanTheBurstIsRefusedWithAnExplanation() throws Exception {
        String key = keyWithLimit("proj-rl-big", 600, 10);
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(11)).exchange()
                .expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("burst is 10 events"));
    }

    @Test
    void readsAreLimitedPerKeyToo() {
        String key = gateway.newKey("proj-rl-reads", DevData.ALL_SCOPES);
        for (int i = 0; i < 3; i++) {
            gateway.client().get().uri("/v1/alerts-not-yet").header("X-API-Key", key).exchange()
                    .expectStatus().isNotFound();
        }
        gateway.client().get().uri("/v1/alerts-not-yet").header("X-API-Key", key).exchange()
                .expectStatus().isEqualTo(429).expectHeader().exists("Retry-After");
        // Another key is not affected.
        String other = gateway.newKey("proj-rl-reads-2", DevData.ALL_SCOPES);
        gateway.client().get().uri("/v1/alerts-not-yet").header("X-API-Key", other).exchange()
                .expectStatus().isNotFound();
    }

    /** The shared PostgreSQL, for direct key updates. */
    static final class SharedPostgres {
        static Connection connect() throws Exception {
            return io.sluice.embedded.SharedInfrastructure.get().postgres().connect();
        }
    }
}
