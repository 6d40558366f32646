package io.sluice.gateway.ingest;

import io.sluice.gateway.support.SeedBodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.DevData;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.support.GatewayHarness;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** When Kafka cannot take events, ingest answers 503 with Retry-After: never 200, never a hang. */
class KafkaUnavailableIT {

    @Test
    void productionModeCreatesTheTopicWhenAsked() throws Exception {
        SharedInfrastructure infra = SharedInfrastructure.get();
        try (GatewayHarness gateway = GatewayHarness.start(infra.postgres(), infra.kafka(),
                "--sluice.kafka.topic=created-by-gateway", "--sluice.kafka.create-topic=true",
                "--sluice.kafka.partitions=5", "--sluice.kafka.replication-factor=1");
             var admin = infra.kafka().admin()) {
            assertThat(admin.describeTopics(java.util.List.of("created-by-gateway")).allTopicNames().get()
                    .get("created-by-gateway").partitions()).hasSize(5);
        }
    }

    @Test
    void stoppingKafkaTurnsIngestInto503WithRetryAfter() throws Exception {
        SharedInfrastructure infra = SharedInfrastructure.get();
        KraftBroker broker = KraftBroker.start(infra.newDirectory("kafka-down"), 0, 0);
        try (GatewayHarness gateway = GatewayHarness.start(infra.postgres(), broker,
                "--sluice.kafka.ack-timeout=2s", "--sluice.kafka.retry-after=7s")) {
            String key = gateway.newKey("proj-kafka-down", DevData.ALL_SCOPES);
            String body = SeedBodies.ccFullExample();
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isOk();

            gateway.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.components.kafka.status").isEqualTo("UP")
                    .jsonPath("$.components.r2dbc.status").isEqualTo("UP");

            broker.close();

            // Not ready without Kafka, but alive: an outage must not restart the gateway.
            gateway.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.components.kafka.status").isEqualTo("DOWN");
            gateway.client().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

            long started = System.nanoTime();
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals("Retry-After", "7")
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.retry_after").isEqualTo(7)
                    .jsonPath("$.error").value(v -> assertThat((String) v).contains("nothing was accepted"));
            // Bounded by the configured ack timeout, not by a client or socket timeout.
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(15_000);
        } finally {
            broker.close();
        }
    }
}
