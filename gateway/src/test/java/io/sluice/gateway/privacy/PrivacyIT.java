package io.sluice.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * A project's privacy policy, set through the admin API on one replica, is applied by another
 * replica within a second; no raw value of a hashed or dropped field reaches Kafka (the test reads
 * the topic bytes); the daily audit counts the personal-data fields.
 */
class PrivacyIT {

    static final String ADMIN = "admin-token-privacy";
    static GatewayHarness a;
    static GatewayHarness b;
    static String key;

    @BeforeAll
    static void start() {
        SharedInfrastructure infra = SharedInfrastructure.get();
        a = GatewayHarness.start(infra.postgres(), infra.kafka(), "--sluice.admin.token=" + ADMIN);
        b = GatewayHarness.start(infra.postgres(), infra.kafka(), "--sluice.admin.token=" + ADMIN,
                "--sluice.kafka.topic=" + a.topic());
        key = a.newKey("proj-privacy", DevData.ALL_SCOPES);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    static String body(String session, boolean consent) {
        return "{\"app_id\":\"shop\",\"session_id\":\"" + session + "\",\"user\":{\"id\":\"u1\",\"email\":\"jane@example.com\","
                + "\"phone\":\"+44 7700 900123\",\"name\":\"Jane Doe\",\"age\":34},"
                + "\"location\":{\"city\":\"London\",\"ip_address\":\"82.45.123.10\",\"latitude\":51.507351,\"longitude\":-0.127758},"
                + "\"events\":[{\"type\":\"click\",\"timestamp\":\"" + Instant.now() + "\",\"payload\":{\"screen\":\"Home\"},"
                + "\"custom\":{\"ssn\":\"078-05-1120\",\"color\":\"blue\"" + (consent ? ",\"location_consent\":true" : "") + "}}]}";
    }

    @Test
    void policyIsAppliedBeforeKafkaReachesOtherReplicasWithinASecondAndIsAudited() {
        // B serves the key from its cache before the policy exists.
        send(b, body("before", false));
        a.client().patch().uri("/admin/v1/projects/proj-privacy").header("Authorization", "Bearer " + ADMIN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"privacy\":{\"fields\":{\"email\":\"hash\",\"phone\":\"drop\",\"name\":\"drop\","
                        + "\"ip_address\":\"truncate\",\"custom\":\"hash\"},\"consent_flag\":\"location_consent\"}}")
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.privacy.fields.email").isEqualTo("hash");
        long changedAt = System.nanoTime();

        // Replica B applies it within a second (the project-change notification drops its cached key):
        // send through B for 1.2 s, then find the first record that carries the policy.
        List<Long> sentAt = new java.util.ArrayList<>();
        while (System.nanoTime() - changedAt < Duration.ofMillis(1200).toNanos()) {
            send(b, body("after-" + sentAt.size(), false));
            sentAt.add(System.nanoTime() - changedAt);
        }
        int attempt = sentAt.size();
        List<CanonicalEvent> after = new java.util.ArrayList<>();
        for (int i = 0; i < attempt; i++) {
            after.add(onTopic("after-" + i, "after-" + (attempt - 1)));
        }
        int first = -1;
        for (int i = 0; i < attempt; i++) {
            if (!after.get(i).user().has("phone")) {
                first = i;
                break;
            }
        }
        assertThat(first).as("some record through replica B carries the policy").isGreaterThanOrEqualTo(0);
        assertThat(sentAt.get(first)).as("first policy-applied request sent %d ms after the change",
                sentAt.get(first) / 1_000_000).isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(after.subList(first, attempt)).allSatisfy(e -> assertThat(e.user().has("phone")).isFalse());
        System.out.printf("privacy policy reached replica B within %d ms%n", sentAt.get(first) / 1_000_000);
        CanonicalEvent applied = after.get(attempt - 1);

        assertThat(applied.user().get("email").stringValue()).startsWith("sha256:");
        assertThat(applied.user().has("name")).isFalse();
        assertThat(applied.user().get("age").intValue()).isEqualTo(34);
        assertThat(applied.location().get("ip_address").stringValue()).isEqualTo("82.45.123.0");
        assertThat(applied.location().has("latitude")).as("no consent: precise coordinates dropped").isFalse();
        assertThat(applied.custom().get("ssn").stringValue()).startsWith("sha256:");
        assertThat(applied.custom().get("color").stringValue()).isEqualTo("blue");

        send(a, body("consented", true));
        CanonicalEvent consented = onTopic("consented", "consented");
        assertThat(consented.location().get("latitude").doubleValue()).isEqualTo(51.507351);

        // No raw value of a hashed or dropped field is anywhere in the records written once the policy
        // applied. Requests through B before that (index < first) legitimately carry the raw values.
        java.util.Set<String> protectedSessions = new java.util.HashSet<>();
        for (int i = first; i < attempt; i++) {
            protectedSessions.add("\"session_id\":\"after-" + i + "\"");
        }
        protectedSessions.add("\"session_id\":\"consented\"");
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(a.kafka().bootstrapServers(), a.topic(),
                seen -> seen.stream().anyMatch(r -> text(r).contains("consented")), Duration.ofSeconds(20));
        int checked = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String t = text(r);
            if (protectedSessions.stream().anyMatch(t::contains)) {
                checked++;
                assertThat(t).doesNotContain("jane@example.com", "7700 900123", "Jane Doe", "078-05-1120", "82.45.123.10");
            }
        }
        assertThat(checked).as("records checked for raw values").isEqualTo(protectedSessions.size());

        // The audit: field names and counts per day, never values.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode audit = audit();
            JsonNode day = audit.get("days").properties().stream().findFirst().map(java.util.Map.Entry::getValue).orElse(null);
            return day != null && day.path("email").asLong() >= attempt + 2 && day.path("custom.ssn").asLong() >= attempt + 2;
        });
        JsonNode day = audit().get("days").properties().iterator().next().getValue();
        assertThat(day.get("email").longValue()).isEqualTo(day.get("ip_address").longValue());
        assertThat(day.get("coordinates").longValue()).isEqualTo(day.get("email").longValue());
        assertThat(audit().toString()).doesNotContain("jane@example.com");
    }

    @Test
    void deviceFieldsMissingFromTheRequestAreFilledFromTheUserAgent() {
        String body = "{\"app_id\":\"web\",\"session_id\":\"ua-1\",\"device\":{\"user_agent\":\"Mozilla/5.0 "
                + "(iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
                + "Mobile/15E148 Safari/604.1\",\"os\":\"iOS\"},\"events\":[{\"type\":\"page_hit\",\"timestamp\":\""
                + Instant.now() + "\",\"payload\":{\"screen\":\"Home\"}}]}";
        send(a, body);
        CanonicalEvent e = onTopic("ua-1", "ua-1");
        assertThat(e.device().get("browser").stringValue()).isEqualTo("Mobile Safari");
        assertThat(e.device().get("os_version").stringValue()).isEqualTo("17.1");
        assertThat(e.device().get("type").stringValue()).isEqualTo("mobile");
        assertThat(e.device().get("os").stringValue()).isEqualTo("iOS");
    }

    @Test
    void invalidPoliciesAreRejectedNamingTheField() {
        a.client().patch().uri("/admin/v1/projects/proj-privacy").header("Authorization", "Bearer " + ADMIN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"privacy\":{\"fields\":{\"email\":\"truncate\",\"shoe_size\":\"drop\"}}}")
                .exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.details[*].field").value(f -> assertThat(f.toString())
                        .contains("privacy.fields.email", "privacy.fields.shoe_size"));
    }

    static JsonNode audit() {
        return a.client().get().uri("/admin/v1/projects/proj-privacy/pii-audit").header("Authorization", "Bearer " + ADMIN)
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    static void send(GatewayHarness g, String body) {
        g.client().post().uri("/v1/ingest").header("Authorization", "Bearer " + key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk();
    }

    private static List<ConsumerRecord<byte[], byte[]>> cache = List.of();

    /** The event of {@code session}, reading the topic until {@code last} is there too. */
    static CanonicalEvent onTopic(String session, String last) {
        EventCodec codec = new EventCodec();
        if (cache.stream().noneMatch(r -> text(r).contains("\"" + last + "\""))) {
            cache = TopicReader.readUntil(a.kafka().bootstrapServers(), a.topic(),
                    seen -> seen.stream().anyMatch(r -> text(r).contains("\"" + last + "\"")), Duration.ofSeconds(20));
        }
        return cache.stream().filter(r -> text(r).contains("\"" + session + "\"")).findFirst()
                .map(r -> codec.decode(r.value()).get(0)).orElseThrow();
    }

    static String text(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
