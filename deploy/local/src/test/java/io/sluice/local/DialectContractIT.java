package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every example of the three dialects' seed documents, sent verbatim (only host and key changed)
 * to the local stack: the response the seed shows, and the events as canonical rows in
 * PostgreSQL, with the sessions, signals and rollups the scorer derives from them.
 */
class DialectContractIT {

    static final String KEY = LocalStackIT.DEV_KEY;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Path dir;
    static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dialect-contract");
        stack = LocalStack.start(LocalStackIT.options(dir, LocalStackIT.freePort(), LocalStackIT.freePort(), true));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void flatSeedExampleAnswersTheSeedBodyAndAResendIsStoredOnce() throws Exception {
        String example = seed("flat-example.json");
        HttpResponse<String> first = post("/ingest", example, "X-API-Key", KEY);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(first.body())).isEqualTo(JSON.readTree("{\"status\":\"success\",\"eventId\":\"evt_123456789\"}"));
        assertThat(first.headers().firstValue("X-Request-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_"));

        // The same event again, and the same event_id with another event time: both succeed.
        assertThat(post("/ingest", example, "X-API-Key", KEY).statusCode()).isEqualTo(200);
        String moved = example.replace("2025-09-17T10:00:00Z", "2026-11-01T08:00:00Z");
        HttpResponse<String> third = post("/ingest", moved, "X-API-Key", KEY);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(third.body()).get("eventId").stringValue()).isEqualTo("evt_123456789");
        // A later event of the same session travels the same Kafka partition: once it is stored,
        // the resends before it have been processed.
        String marker = example.replace("evt_123456789", "evt_marker_1");
        assertThat(post("/ingest", marker, "X-API-Key", KEY).statusCode()).isEqualTo(200);
        awaitValue(() -> count("SELECT count(*) FROM events WHERE payload->>'client_event_id' = 'evt_marker_1'"), n -> n == 1);

        assertThat(count("SELECT count(*) FROM events WHERE payload->>'client_event_id' = 'evt_123456789'")).isEqualTo(1);
        try (Connection c = stack.postgres().connect();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM events WHERE payload->>'client_event_id' = ?")) {
            ps.setString(1, "evt_123456789");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("event_id")).matches("evt_Z[0-9A-Z]{25}");
                assertThat(rs.getString("dialect")).isEqualTo("flat");
                assertThat(rs.getString("project_id")).isEqualTo("demo");
                assertThat(rs.getString("app_id")).isEqualTo("default");
                assertThat(rs.getString("type")).isEqualTo("click");
                assertThat(rs.getString("platform")).isEqualTo("ios");
                assertThat(rs.getString("app_version")).isEqualTo("2.1.0");
                assertThat(rs.getString("session_id")).isEqualTo("sess_123456789");
                assertThat(rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant())
                        .isEqualTo(java.time.Instant.parse("2025-09-17T10:00:00Z"));
                assertThat(JSON.readTree(rs.getString("user_data")).get("id").stringValue()).isEqualTo("usr_987654321");
                assertThat(JSON.readTree(rs.getString("device"))).isEqualTo(
                        JSON.readTree("{\"type\":\"mobile\",\"network_type\":\"wifi\"}"));
                JsonNode payload = JSON.readTree(rs.getString("payload"));
                assertThat(payload.get("event_name").stringValue()).isEqualTo("button_click");
                assertThat(payload.get("screen").stringValue()).isEqualTo("checkout");
                assertThat(payload.get("element_id").stringValue()).isEqualTo("submit_button");
            }
        }
    }

    @Test
    void canaryHubSeedExamplesAreAcceptedWith202AndFeedSignalsAndDailyRollups() throws Exception {
        HttpResponse<String> request = post("/api/v1/events", seed("canaryhub-request.json"), "Authorization", "Bearer " + KEY);
        assertThat(request.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(request.body())).isEqualTo(JSON.readTree("{\"accepted\":3}"));
        String requestId = request.headers().firstValue("X-Request-Id").orElseThrow();
        for (String example : List.of("canaryhub-python.json", "canaryhub-curl.json")) {
            HttpResponse<String> r = post("/api/v1/events", seed(example), "Authorization", "Bearer " + KEY);
            assertThat(r.statusCode()).as(example).isEqualTo(202);
            assertThat(JSON.readTree(r.body())).isEqualTo(JSON.readTree("{\"accepted\":1}"));
        }

        List<Map<String, String>> rows = awaitValue(() -> rows("SELECT type, dialect, app_id, payload::text AS payload "
                + "FROM events WHERE request_id = '" + requestId + "' ORDER BY payload->>'name'"), r -> r.size() == 3);
        assertThat(rows).extracting(r -> r.get("type")).containsExactly("event", "event", "error");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("dialect")).isEqualTo("canaryhub");
            assertThat(r.get("app_id")).isEqualTo("default");
        });
        assertThat(JSON.readTree(rows.get(1).get("payload"))).isEqualTo(
                JSON.readTree("{\"name\":\"signup\"}"));
        assertThat(JSON.readTree(rows.get(0).get("payload"))).isEqualTo(
                JSON.readTree("{\"name\":\"payment\",\"value\":29,\"meta\":{\"plan\":\"pro\"}}"));
        // The error is a signal that alert scoring sees.
        assertThat(rows("SELECT name, type FROM signals WHERE project_id = 'demo' AND event_id IN "
                + "(SELECT event_id FROM events WHERE request_id = '" + requestId + "')"))
                .containsExactly(Map.of("name", "webhook failed", "type", "error"));

        // Daily rollups: one row per name and UTC day, readable with read:alerts.
        JsonNode rollups = awaitValue(() -> JSON.readTree(get("/v1/rollups/daily?app_id=default").body()),
                body -> names(body).containsAll(List.of("signup", "payment", "report-generated", "backup-completed")));
        for (JsonNode r : rollups.get("rollups")) {
            if (r.get("name").stringValue().equals("payment")) {
                assertThat(r.get("count").longValue()).isEqualTo(1);
                assertThat(r.get("sum_value").doubleValue()).isEqualTo(29.0);
                assertThat(r.get("day").stringValue()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
            }
            assertThat(r.get("name").stringValue()).isNotEqualTo("webhook failed");
        }
    }

    @Test
    void trenchcoatSeedExamplesAreAcceptedAndTheSessionCountsToolUse() throws Exception {
        HttpResponse<String> curl = post("/api/v1/events", seed("trenchcoat-curl.json"), "X-API-Key", KEY);
        assertThat(curl.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(curl.body())).isEqualTo(JSON.readTree("{\"data\":{\"accepted\":2,\"rejected\":0}}"));
        HttpResponse<String> body = post("/api/v1/events", seed("trenchcoat-body.json"), "X-API-Key", KEY);
        assertThat(body.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(body.body())).isEqualTo(JSON.readTree("{\"data\":{\"accepted\":1,\"rejected\":0}}"));

        String session = "550e8400-e29b-41d4-a716-446655440000";
        List<Map<String, String>> rows = awaitValue(() -> rows("SELECT type, dialect, payload->>'tool_name' AS tool "
                + "FROM events WHERE session_id = '" + session + "' ORDER BY occurred_at, type"), r -> r.size() == 3);
        assertThat(rows).extracting(r -> r.get("type")).containsExactly("session_start", "tool_use", "tool_use");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("dialect")).isEqualTo("trenchcoat"));

        JsonNode s = awaitValue(() -> JSON.readTree(get("/v1/sessions/" + session).body()),
                n -> n.path("tool_uses").asLong() == 2);
        assertThat(s.get("session_id").stringValue()).isEqualTo(session);
        assertThat(s.get("status").stringValue()).isEqualTo("active");
        assertThat(s.get("started_at").stringValue()).isEqualTo("2024-01-15T10:30:00Z");
        assertThat(s.get("events").longValue()).isEqualTo(3);
        assertThat(s.get("failed_tool_results").longValue()).isZero();

        // A failed tool result and the session's end.
        String more = "{\"events\":[{\"event_type\":\"tool_result\",\"session_id\":\"" + session.toUpperCase() + "\","
                + "\"timestamp\":\"2024-01-15T10:30:20Z\",\"data\":{\"tool_name\":\"Read\",\"is_error\":true}},"
                + "{\"event_type\":\"session_end\",\"session_id\":\"" + session + "\",\"timestamp\":\"2024-01-15T10:31:00Z\"}]}";
        assertThat(post("/api/v1/events", more, "X-API-Key", KEY).statusCode()).isEqualTo(200);
        JsonNode ended = awaitValue(() -> JSON.readTree(get("/v1/sessions/" + session.toUpperCase()).body()),
                n -> "ended".equals(n.path("status").asString()));
        assertThat(ended.get("failed_tool_results").longValue()).isEqualTo(1);
        assertThat(ended.get("ended_at").stringValue()).isEqualTo("2024-01-15T10:31:00Z");
        assertThat(ended.get("events").longValue()).isEqualTo(5);

        HttpResponse<String> missing = get("/v1/sessions/00000000-0000-0000-0000-000000000000");
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    // --- helpers -------------------------------------------------------------------------------

    static String seed(String name) throws Exception {
        try (InputStream in = DialectContractIT.class.getResourceAsStream("/seed/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static HttpResponse<String> post(String path, String body, String header, String value) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.gatewayPort() + path))
                .header(header, value).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.gatewayPort() + path))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> names(JsonNode rollups) {
        List<String> names = new ArrayList<>();
        rollups.path("rollups").forEach(r -> names.add(r.get("name").stringValue()));
        return names;
    }

    static long count(String sql) throws Exception {
        try (Connection c = stack.postgres().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Map<String, String>> rows(String sql) throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = stack.postgres().connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                Map<String, String> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Polls until {@code done} holds (20 s deadline); returns the last value. */
    static <T> T awaitValue(Callable<T> read, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T value = read.call();
        while (!done.test(value)) {
            assertThat(System.nanoTime()).as("condition not met within 20 s; last value: %s", value).isLessThan(deadline);
            Thread.sleep(50); // poll interval, not a wait for the outcome
            value = read.call();
        }
        return value;
    }
}
