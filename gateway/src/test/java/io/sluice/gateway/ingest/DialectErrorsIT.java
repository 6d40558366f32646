package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error row of the flat, CanaryHub and Trenchcoat contracts, each in its dialect's body
 * shape, plus the dialect decision on {@code /api/v1/events} (real gateway and Kafka; BlockHound on).
 */
class DialectErrorsIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String FLAT = """
            {"event_id":"e-1","event_type":"click","event_name":"button_click","event_time":"2026-11-01T10:00:00Z",
             "user_id":"u1","session_id":"s1","page_name":"checkout"}""";
    static GatewayHarness gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        key = gateway.newKey("proj-dialects", DevData.ALL_SCOPES);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    // --- flat ------------------------------------------------------------------------------------

    @Test
    void flatBadEventTimeGetsTheSeedsErrorBodyExactly() {
        JsonNode body = post("/ingest", "X-API-Key", key, FLAT.replace("2026-11-01T10:00:00Z", "yesterday"), 400);
        assertThat(body).isEqualTo(json("""
                {"error":"Invalid event","details":[{"field":"event_time","message":"must be a valid ISO 8601 datetime",
                 "code":"validation.format"}]}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "event_type", "event_name", "event_time", "user_id", "session_id", "page_name"})
    void flatMissingRequiredFieldIsNamed(String field) {
        String body = FLAT.replaceAll("\"" + field + "\":\"[^\"]*\",?", "").replace(",}", "}");
        JsonNode answer = post("/ingest", "X-API-Key", key, body, 400);
        assertThat(answer.get("error").stringValue()).isEqualTo("Invalid event");
        assertThat(answer.get("details")).hasSize(1);
        assertThat(answer.get("details").get(0).get("field").stringValue()).isEqualTo(field);
        assertThat(answer.get("details").get(0).get("code").stringValue()).isEqualTo("validation.required");
    }

    @Test
    void flatEnumsTypesAndEveryProblemAtOnce() {
        String body = FLAT.replace("}", ",\"device_type\":\"watch\",\"platform\":\"symbian\",\"network_type\":\"5g\","
                + "\"content\":\"text\",\"experiments\":[1]}").replace("\"u1\"", "42");
        JsonNode answer = post("/ingest", "X-API-Key", key, body, 400);
        assertThat(answer.get("details")).extracting(d -> d.get("field").stringValue() + "=" + d.get("code").stringValue())
                .containsExactlyInAnyOrder("user_id=validation.type", "device_type=validation.enum",
                        "platform=validation.enum", "network_type=validation.enum", "content=validation.type",
                        "experiments[0]=validation.type");
    }

    @Test
    void flatMalformedJsonWrongKeyMissingScopeAndOversizeAreJsonErrors() {
        JsonNode malformed = post("/ingest", "X-API-Key", key, "{\"event_id\": ", 400);
        assertThat(malformed.get("error").stringValue()).isEqualTo("Invalid JSON");
        assertThat(malformed.get("details").get(0).get("code").stringValue()).isEqualTo("validation.json");

        JsonNode unauthorized = post("/ingest", "X-API-Key", "cc-not-a-key", FLAT, 401);
        assertThat(unauthorized.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("error");

        String readOnly = gateway.newKey("proj-dialects", List.of("read:alerts"));
        assertThat(post("/ingest", "X-API-Key", readOnly, FLAT, 403).get("error").stringValue()).contains("write:events");

        String huge = FLAT.replace("}", ",\"extras\":{\"blob\":\"" + "x".repeat(70_000) + "\"}}");
        assertThat(post("/ingest", "X-API-Key", key, huge, 413).get("error").stringValue()).contains("65536");
    }

    @Test
    void flatReservedTypeIsNamespacedAndTheSameEventIdGivesTheSameCanonicalId() {
        String crash = FLAT.replace("\"click\"", "\"crash\"").replace("e-1", "e-same");
        post("/ingest", "X-API-Key", key, crash, 200);
        post("/ingest", "X-API-Key", key, crash.replace("2026-11-01", "2026-11-02"), 200);
        List<CanonicalEvent> events = eventsOnTopic(e -> e.payload().path("client_event_id").asString().equals("e-same"), 2);
        assertThat(events).extracting(CanonicalEvent::eventId).containsOnly(events.get(0).eventId()).hasSize(2);
        assertThat(events).extracting(CanonicalEvent::type).containsOnly("flat_crash");
        assertThat(events.get(0).eventId()).startsWith("evt_Z");
    }

    // --- CanaryHub -------------------------------------------------------------------------------

    @Test
    void canaryHubRejectsTheWholeBatchNamingTheFirstProblem() {
        String ok = "{\"type\":\"event\",\"name\":\"signup\"}";
        assertCanary("{\"events\": [", "Malformed JSON");
        assertCanary("{\"events\": []}", "must not be empty");
        assertCanary("{\"events\": [" + repeat(ok, 101) + "]}", "limit is 100");
        assertCanary("{\"events\": [" + ok + ",{\"type\":\"warning\",\"name\":\"x\"}]}", "events[1].type must be \"event\" or \"error\"");
        assertCanary("{\"events\": [{\"type\":\"event\",\"name\":\"\"}]}", "events[0].name must be 1 to 200 characters");
        assertCanary("{\"events\": [{\"type\":\"event\",\"name\":\"" + "n".repeat(201) + "\"}]}", "not 201");
        assertCanary("{\"events\": [{\"type\":\"error\",\"name\":\"x\",\"message\":\"" + "m".repeat(2001) + "\"}]}",
                "events[0].message is 2001 characters; the cap is 2000");
        assertCanary("{\"events\": [{\"type\":\"event\",\"name\":\"x\",\"meta\":{\"k\":\"" + "v".repeat(4100) + "\"}}]}",
                "the cap is 4096 bytes");
        assertCanary("{\"events\": [{\"type\":\"event\",\"name\":\"x\",\"value\":\"29\"}]}", "events[0].value must be a number");
        assertCanary("{\"events\": [{\"type\":\"event\",\"name\":\"x\",\"ts\":\"2026-07-02 10:00\"}]}", "events[0].ts must be ISO 8601");
        assertCanary("{\"events\": [" + ok + ",{\"event_type\":\"tool_use\"}]}", "Mixed dialects");
    }

    @Test
    void canaryHubAuthAndSizeErrorsAreStringErrors() {
        String body = "{\"events\":[{\"type\":\"event\",\"name\":\"x\"}]}";
        assertThat(gateway.client().post().uri("/api/v1/events").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isEqualTo(401).expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("error").isString()).isTrue();
        assertThat(post("/api/v1/events", "Authorization", "Bearer cc-unknown", body, 401).get("error").isString()).isTrue();
        String revoked = gateway.newKey("proj-dialects", DevData.ALL_SCOPES);
        gateway.revoke(revoked);
        assertThat(post("/api/v1/events", "Authorization", "Bearer " + revoked, body, 401).get("error").stringValue())
                .contains("revoked");
        String big = "{\"events\":[{\"type\":\"event\",\"name\":\"x\",\"meta\":{\"k\":\"" + "v".repeat(530_000) + "\"}}]}";
        assertThat(post("/api/v1/events", "Authorization", "Bearer " + key, big, 413).get("error").stringValue())
                .contains("524288");
    }

    @Test
    void canaryHubDefaultBudgetIs120EventsAtOnceAndA429dRequestStoresNothing() {
        String limited = gateway.newKey("proj-canary-budget", DevData.ALL_SCOPES);
        String hundred = "{\"events\":[" + repeat("{\"type\":\"event\",\"name\":\"first\"}", 100) + "]}";
        assertThat(post("/api/v1/events", "Authorization", "Bearer " + limited, hundred, 202))
                .isEqualTo(json("{\"accepted\":100}"));
        String over = "{\"events\":[" + repeat("{\"type\":\"event\",\"name\":\"refused\"}", 21) + "]}";
        JsonNode refused = gateway.client().post().uri("/api/v1/events").header("Authorization", "Bearer " + limited)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(over).exchange()
                .expectStatus().isEqualTo(429).expectHeader().exists("Retry-After")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(refused.properties()).hasSize(1);
        assertThat(refused.get("error").stringValue()).contains("Rate limit exceeded");
        // A request after the refused one reaches Kafka; the refused one never does.
        String marker = "{\"events\":[{\"type\":\"event\",\"name\":\"after-429\"}]}";
        post("/api/v1/events", "Authorization", "Bearer " + limited, marker, 202);
        List<CanonicalEvent> seen = eventsOnTopic(e -> e.projectId().equals("proj-canary-budget")
                && e.payload().path("name").asString().equals("after-429"), 1);
        assertThat(seen).hasSize(1);
        List<CanonicalEvent> all = eventsOnTopic(e -> e.projectId().equals("proj-canary-budget"), 101);
        assertThat(all).extracting(e -> e.payload().get("name").stringValue()).doesNotContain("refused").hasSize(101);
    }

    // --- Trenchcoat ------------------------------------------------------------------------------

    @Test
    void trenchcoatValidationErrorMatchesTheSeedExample() {
        String good = "{\"event_type\":\"tool_use\",\"session_id\":\"550e8400-e29b-41d4-a716-446655440000\","
                + "\"timestamp\":\"2024-01-15T10:30:00Z\",\"data\":{}}";
        String body = "{\"events\":[" + good.replace("550e8400-e29b-41d4-a716-446655440000", "not-a-uuid") + "," + good
                + "," + good.replace("tool_use", "tool_call") + "]}";
        assertThat(post("/api/v1/events", "X-API-Key", key, body, 400)).isEqualTo(json("""
                {"error":{"code":"VALIDATION_ERROR","message":"Request body is invalid.","details":[
                  {"field":"events[0].session_id","message":"Invalid UUID format"},
                  {"field":"events[2].event_type","message":"Invalid enum value. Expected one of: session_start, session_end, tool_use, tool_result, subagent_stop, assistant_stop"}]}}"""));
    }

    @Test
    void trenchcoatBatchTooLargeMissingFieldsAndAuthUseTheTrenchcoatShape() {
        String event = "{\"event_type\":\"tool_use\",\"session_id\":\"550e8400-e29b-41d4-a716-446655440000\","
                + "\"timestamp\":\"2024-01-15T10:30:00Z\"}";
        assertThat(post("/api/v1/events", "X-API-Key", key, "{\"events\":[" + repeat(event, 1001) + "]}", 400))
                .isEqualTo(json("{\"error\":{\"code\":\"VALIDATION_ERROR\","
                        + "\"message\":\"Batch size exceeds limit of 1000 events per request.\"}}"));
        JsonNode missing = post("/api/v1/events", "X-API-Key", key,
                "{\"events\":[{\"event_type\":\"session_end\",\"data\":[]}]}", 400);
        assertThat(missing.get("error").get("details")).extracting(d -> d.get("field").stringValue() + ": "
                + d.get("message").stringValue()).containsExactly("events[0].session_id: Required",
                "events[0].timestamp: Required", "events[0].data: Expected object, received array");
        JsonNode unauthorized = post("/api/v1/events", "X-API-Key", "ct_live_unknown", "{\"events\":[" + event + "]}", 401);
        assertThat(unauthorized.get("error").get("code").stringValue()).isEqualTo("UNAUTHORIZED");
        String readOnly = gateway.newKey("proj-dialects", List.of("read:alerts"));
        JsonNode forbidden = post("/api/v1/events", "X-API-Key", readOnly, "{\"events\":[" + event + "]}", 403);
        assertThat(forbidden.get("error").get("code").stringValue()).isEqualTo("FORBIDDEN");
        assertThat(forbidden.get("error").get("message").stringValue()).contains("write:events");
    }

    @Test
    void trenchcoatDropsEventsItCannotKeepAndCountsThemAsRejected() {
        String session = "\"session_id\":\"1b4e28ba-2fa1-11d2-883f-0016d3cca427\"";
        String body = "{\"events\":["
                + "{\"event_type\":\"tool_use\"," + session + ",\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"tool_name\":\"Bash\"}},"
                + "{\"event_type\":\"tool_use\"," + session + ",\"timestamp\":\"" + Instant.now().plus(Duration.ofDays(3)) + "\"},"
                + "{\"event_type\":\"tool_result\"," + session + ",\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"out\":\""
                + "o".repeat(40_000) + "\"}}]}";
        assertThat(post("/api/v1/events", "X-API-Key", key, body, 200))
                .isEqualTo(json("{\"data\":{\"accepted\":1,\"rejected\":2}}"));
        List<CanonicalEvent> stored = eventsOnTopic(e -> "1b4e28ba-2fa1-11d2-883f-0016d3cca427".equals(e.sessionId()), 1);
        assertThat(stored).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("tool_use");
            assertThat(e.dialect()).isEqualTo("trenchcoat");
            assertThat(e.payload().get("tool_name").stringValue()).isEqualTo("Bash");
        });
    }

    // --- dialect decision ------------------------------------------------------------------------

    @Test
    void undecidableBatchesGoByTheCredentialHeaderAndAPinnedProjectAlwaysGetsItsDialect() {
        // No event says which dialect: Bearer means CanaryHub, X-API-Key means Trenchcoat.
        JsonNode asCanary = post("/api/v1/events", "Authorization", "Bearer " + key, "{\"events\":[{}]}", 400);
        assertThat(asCanary.get("error").stringValue()).contains("events[0].type");
        JsonNode asTrench = post("/api/v1/events", "X-API-Key", key, "{\"events\":[{}]}", 400);
        assertThat(asTrench.get("error").get("code").stringValue()).isEqualTo("VALIDATION_ERROR");
        JsonNode both = post("/api/v1/events", "X-API-Key", key,
                "{\"events\":[{\"type\":\"event\",\"event_type\":\"tool_use\",\"name\":\"x\"}]}", 400);
        assertThat(both.get("error").get("message").stringValue()).contains("Undecidable dialect");

        String pinned = gateway.newKey("proj-pinned", DevData.ALL_SCOPES);
        gateway.pinEventsDialect("proj-pinned", "trenchcoat");
        JsonNode canaryBodyToTrenchcoatProject = post("/api/v1/events", "Authorization", "Bearer " + pinned,
                "{\"events\":[{\"type\":\"event\",\"name\":\"signup\"}]}", 400);
        assertThat(canaryBodyToTrenchcoatProject.get("error").get("details").get(0).get("field").stringValue())
                .isEqualTo("events[0].event_type");
    }

    // --- helpers ---------------------------------------------------------------------------------

    static void assertCanary(String body, String expected) {
        JsonNode answer = post("/api/v1/events", "Authorization", "Bearer " + key, body, 400);
        assertThat(answer.properties()).as(body).hasSize(1);
        assertThat(answer.get("error").stringValue()).as(body).contains(expected);
    }

    static JsonNode post(String path, String header, String value, String body, int status) {
        WebTestClient.ResponseSpec spec = gateway.client().post().uri(path).header(header, value)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
        return spec.expectStatus().isEqualTo(status)
                .expectHeader().valueMatches("X-Request-Id", "req_[0-9A-Z]{26}")
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    static String repeat(String item, int n) {
        return IntStream.range(0, n).mapToObj(i -> item).collect(Collectors.joining(","));
    }

    static List<CanonicalEvent> eventsOnTopic(java.util.function.Predicate<CanonicalEvent> match, int expected) {
        EventCodec codec = new EventCodec();
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(gateway.kafka().bootstrapServers(),
                gateway.topic(), seen -> decode(codec, seen).stream().filter(match).count() >= expected,
                Duration.ofSeconds(20));
        return decode(codec, records).stream().filter(match).toList();
    }

    static List<CanonicalEvent> decode(EventCodec codec, List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().flatMap(r -> codec.decode(r.value()).stream()).toList();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
