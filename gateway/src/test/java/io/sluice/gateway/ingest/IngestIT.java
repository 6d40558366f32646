package io.sluice.gateway.ingest;

import io.sluice.gateway.support.SeedBodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.TopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code POST /v1/ingest} against a real gateway, Kafka and PostgreSQL (BlockHound on). */
class IngestIT {

    static GatewayHarness gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        key = gateway.newKey("proj-ingest", DevData.ALL_SCOPES);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }


    @Test
    void seedExampleIsAcceptedAndAcknowledgedEventsAreOnKafkaInCanonicalForm() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = gateway.client().post().uri("/v1/ingest")
                .header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SeedBodies.ccFullExample())
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueMatches("X-Request-Id", "req_[0-9A-Z]{26}")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).containsEntry("accepted", 3).containsEntry("rejected", 0)
                .containsEntry("session_id", "sess_abc123").containsEntry("usage", Map.of("credits", 1))
                .doesNotContainKey("errors");
        String requestId = (String) body.get("request_id");
        assertThat(requestId).matches("req_[0-9A-Z]{26}");

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(gateway.kafka().bootstrapServers(),
                gateway.topic(), seen -> seen.stream().anyMatch(r -> contains(r, requestId)), Duration.ofSeconds(20));
        ConsumerRecord<byte[], byte[]> record = records.stream().filter(r -> contains(r, requestId)).findFirst().orElseThrow();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("proj-ingest/sess_abc123");
        assertThat(new String(record.headers().lastHeader("sluice-format").value())).isEqualTo("batch");
        assertThat(new String(record.headers().lastHeader("sluice-events").value())).isEqualTo("3");

        List<CanonicalEvent> events = new EventCodec().decode(record.value());
        assertThat(events).extracting(CanonicalEvent::type).containsExactly("page_hit", "click", "crash");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.eventId()).matches("evt_[0-9A-Z]{26}");
            assertThat(e.requestId()).isEqualTo(requestId);
            assertThat(e.projectId()).isEqualTo("proj-ingest");
            assertThat(e.appId()).isEqualTo("my-app");
            assertThat(e.platform()).isEqualTo("ios");
            assertThat(e.appVersion()).isEqualTo("2.4.1");
            assertThat(e.dialect()).isEqualTo("cc");
            assertThat(e.user().get("id").stringValue()).isEqualTo("usr_9f3a2c");
            assertThat(e.device().get("model").stringValue()).isEqualTo("iPhone 15 Pro");
            assertThat(e.location().get("city").stringValue()).isEqualTo("London");
        });
        assertThat(events.get(2).payload().get("exception").stringValue()).isEqualTo("NullPointerException");
        assertThat(events.get(0).timestamp()).hasToString("2026-05-13T09:00:00Z");
    }

    @Test
    void invalidEventsAreRejectedOneByOneWhileValidOnesAreAccepted() {
        String body = """
                {"app_id":"my-app","events":[
                  {"type":"page_hit","timestamp":"2026-05-13T09:00:00+01:00","payload":{"screen":"Home"}},
                  {"type":"teleport","timestamp":"2026-05-13T09:00:00Z","payload":{}},
                  {"type":"click","timestamp":"2026-05-13 09:00","payload":{}},
                  {"type":"click","timestamp":"2026-05-13T09:00:00Z","payload":[]},
                  {"type":"crash","timestamp":"2026-05-13T09:00:00Z"},
                  "not an object"
                ]}""";
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.accepted").isEqualTo(1)
                .jsonPath("$.rejected").isEqualTo(5)
                .jsonPath("$.usage.credits").isEqualTo(1)
                .jsonPath("$.errors[0].index").isEqualTo(1)
                .jsonPath("$.errors[0].code").isEqualTo("unknown_type")
                .jsonPath("$.errors[1].field").isEqualTo("events[2].timestamp")
                .jsonPath("$.errors[1].code").isEqualTo("invalid_timestamp")
                .jsonPath("$.errors[2].field").isEqualTo("events[3].payload")
                .jsonPath("$.errors[3].code").isEqualTo("required")
                .jsonPath("$.errors[4].code").isEqualTo("invalid_type");
    }

    @Test
    void authenticationFailuresAre401Json() {
        gateway.client().post().uri("/v1/ingest").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("missing"))
                .jsonPath("$.request_id").exists();
        gateway.client().post().uri("/v1/ingest").header("Authorization", "Bearer cc-not-a-real-key")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("API key invalid.");
        String revoked = gateway.newKey("proj-revoked", DevData.ALL_SCOPES);
        gateway.revoke(revoked);
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", revoked)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("API key revoked.");
    }

    @Test
    void aFloodOfOneUnknownKeyReachesTheDatabaseOnce() {
        var lookups = gateway.context().getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .counter("sluice_api_key_lookups");
        double before = lookups.count();
        for (int i = 0; i < 200; i++) {
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", "cc-flooding-unknown-key")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                    .exchange().expectStatus().isUnauthorized();
        }
        assertThat(lookups.count() - before).isEqualTo(1.0);
    }

    @Test
    void authorizationFailuresAre403Json() throws IOException {
        String readOnly = gateway.newKey("proj-readonly", List.of("read:alerts"));
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", readOnly)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("write:events"));
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).header("X-Project-ID", "someone-else")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                .exchange().expectStatus().isForbidden();
        String restricted = gateway.newKey("proj-restricted", DevData.ALL_SCOPES);
        gateway.restrictApps("proj-restricted", "other-app");
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", restricted)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("my-app"));
    }

    @Test
    void wholeRequestProblemsAre4xxJsonNamingTheProblem() {
        expectError("{\"app_id\":", MediaType.APPLICATION_JSON, 400, "Malformed JSON");
        expectError("{\"events\":[{}]}", MediaType.APPLICATION_JSON, 400, "app_id is required");
        expectError("{\"app_id\":\"a\"}", MediaType.APPLICATION_JSON, 400, "'events' is required");
        expectError("{\"app_id\":\"a\",\"events\":{}}", MediaType.APPLICATION_JSON, 400, "'events' must be an array");
        expectError("{\"app_id\":\"a\",\"events\":[]}", MediaType.APPLICATION_JSON, 400, "must not be empty");
        expectError("{\"app_id\":\"a\",\"app_id\":\"b\",\"events\":[]}", MediaType.APPLICATION_JSON, 400, "Duplicate");
        expectError("{\"app_id\":\"a\",\"platform\":\"symbian\",\"events\":[{}]}", MediaType.APPLICATION_JSON, 400, "platform");
        expectError("[]", MediaType.APPLICATION_JSON, 400, "JSON object");
        expectError("{\"app_id\":\"a\",\"events\":[{\"type\":\"click\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"payload\":{}}]} {}",
                MediaType.APPLICATION_JSON, 400, "Malformed JSON");
        expectError("{\"app_id\":\"a\",\"events\":[{\"type\":\"click\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"payload\":{\"x\":NaN}}]}",
                MediaType.APPLICATION_JSON, 400, "Malformed JSON");
        expectError("", MediaType.APPLICATION_JSON, 400, "empty");
        expectError("app_id=a", MediaType.APPLICATION_FORM_URLENCODED, 400, "application/json");
        expectError("{\"app_id\":\"" + "x".repeat(600_000) + "\"}", MediaType.APPLICATION_JSON, 413, "524288 bytes");
        expectError("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", MediaType.APPLICATION_JSON, 400, "nesting depth");
        StringBuilder many = new StringBuilder("{\"app_id\":\"a\",\"events\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        expectError(many.append("]}").toString(), MediaType.APPLICATION_JSON, 400, "limit 1000");
    }

    @Test
    void gzipBodiesAreAcceptedAndOversizedEventsRejectedAlone() throws IOException {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(compressed)) {
            gz.write(SeedBodies.ccFullExample().getBytes(StandardCharsets.UTF_8));
        }
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).header("Content-Encoding", "gzip")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(compressed.toByteArray())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.accepted").isEqualTo(3);
        String big = "{\"type\":\"crash\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"payload\":{\"stack_trace\":\""
                + "s".repeat(16_000) + "\",\"more\":\"" + "m".repeat(17_000) + "\"}}";
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"app_id\":\"a\",\"events\":[" + big + ",{\"type\":\"click\",\"timestamp\":"
                        + "\"2026-11-20T10:00:00Z\",\"payload\":{}}]}")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.accepted").isEqualTo(1)
                .jsonPath("$.errors[0].code").isEqualTo("event_too_large")
                .jsonPath("$.errors[0].message").value(v -> assertThat((String) v).contains("32768"));
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).header("Content-Encoding", "br")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isEqualTo(415).expectBody().jsonPath("$.error").value(
                        v -> assertThat((String) v).contains("gzip"));
    }

    @Test
    void unknownPathsAndMethodsAreJsonToo() {
        gateway.client().get().uri("/v1/ingest").header("X-API-Key", key).exchange()
                .expectStatus().isEqualTo(405).expectHeader().contentType(MediaType.APPLICATION_JSON);
        gateway.client().get().uri("/v1/nothing-here").header("X-API-Key", key).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.error").exists();
    }

    @Test
    void theIngestRouteAnswersOtherMethodsAndAcceptHeadersAsAnAnnotatedMappingWould() {
        for (String method : List.of("PUT", "DELETE", "PATCH", "HEAD")) {
            gateway.client().method(org.springframework.http.HttpMethod.valueOf(method)).uri("/v1/ingest")
                    .header("X-API-Key", key).exchange().expectStatus().isEqualTo(405);
        }
        gateway.client().options().uri("/v1/ingest").header("X-API-Key", key).exchange()
                .expectStatus().isOk().expectHeader().value("Allow", allow -> assertThat(allow).contains("POST"));
        for (String accept : List.of("text/html", "image/png, text/plain;q=0.5", "not a media type")) {
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).header("Accept", accept)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                    .exchange().expectStatus().isEqualTo(406).expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.error").exists();
        }
        for (String accept : List.of("*/*", "application/json", "text/html, application/*;q=0.1", "application/json;charset=UTF-8")) {
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).header("Accept", accept)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                    .exchange().expectStatus().isOk().expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.accepted").isEqualTo(3);
        }
    }

    @Test
    void theIngestRouteIsTimedUnderItsPathAndDescribedInTheOpenApiDocument() {
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SeedBodies.ccFullExample()).exchange().expectStatus().isOk();
        String metrics = gateway.client().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"200\"[^}]*uri=\"/v1/ingest\"");
        gateway.client().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/v1/ingest'].post.operationId").isEqualTo("ingestCcBatch")
                .jsonPath("$.paths['/v1/ingest'].post.responses['200'].content['application/json'].schema.$ref")
                .isEqualTo("#/components/schemas/IngestResponse")
                .jsonPath("$.components.schemas.IngestResponse.properties.session_id").exists();
    }

    @Test
    void blockHoundIsWatchingNonBlockingThreads() {
        Throwable thrown = null;
        try {
            Mono.fromCallable(() -> {
                Thread.sleep(1);
                return 1;
            }).subscribeOn(Schedulers.parallel()).block();
        } catch (Throwable t) {
            thrown = t;
        }
        assertThat(thrown).isNotNull();
        Throwable root = thrown;
        while (!(root instanceof BlockingOperationError) && root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(BlockingOperationError.class);
    }

    private void expectError(String body, MediaType type, int status, String messagePart) {
        gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(type).bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains(messagePart));
    }

    private static boolean contains(ConsumerRecord<byte[], byte[]> r, String text) {
        return new String(r.value(), StandardCharsets.UTF_8).contains(text);
    }
}
