package io.sluice.gateway.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.embedded.DevData;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.support.AlertFixtures;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.SseClient;
import io.sluice.gateway.support.SseClient.Event;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/alerts/stream} read by a plain HTTP client: live events, resume from
 * {@code Last-Event-ID} and {@code since} (cursor and time) with no gap and no duplicate, across a
 * gateway restart, fan-out to two replicas, filters, tenant isolation, keep-alives and slow-client
 * eviction.
 */
class AlertStreamIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(10);
    static GatewayHarness a;
    static GatewayHarness b;
    static AlertFixtures fixtures;
    static String key;
    static String otherKey;

    @BeforeAll
    static void start() {
        a = GatewayHarness.start("--sluice.stream.keep-alive=500ms");
        b = GatewayHarness.start("--sluice.stream.keep-alive=500ms");
        fixtures = new AlertFixtures(SharedInfrastructure.get().postgres());
        key = a.newKey("proj-stream", DevData.ALL_SCOPES);
        otherKey = a.newKey("proj-stream-other", DevData.ALL_SCOPES);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    @Test
    void liveEventsCarryTheChangeIdTheKindAndTheAlertWithKeepAlivesAndARetryHint() throws Exception {
        try (SseClient client = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=live", key, null)) {
            assertThat(client.status()).isEqualTo(200);
            awaitConnected(client);
            String alert = fixtures.alert("proj-stream", "live", "critical", "open", Instant.now(), Instant.now(), "x");
            Event opened = nextOfKind(client, "alert.opened");
            assertThat(opened.event()).isEqualTo("alert.opened");
            assertThat(Long.parseLong(opened.id())).isPositive();
            JsonNode data = JSON.readTree(opened.data());
            assertThat(data.get("id").stringValue()).isEqualTo(alert);
            assertThat(data.get("severity").stringValue()).isEqualTo("critical");
            fixtures.change(alert, "agent_report", "{\"status\":\"investigating\",\"agent_id\":\"a1\"}");
            Event report = next(client);
            assertThat(report.event()).isEqualTo("agent_report");
            assertThat(JSON.readTree(report.data()).get("report").get("agent_id").stringValue()).isEqualTo("a1");
            assertThat(Long.parseLong(report.id())).isGreaterThan(Long.parseLong(opened.id()));
            Awaitility.await().atMost(WAIT).until(() -> client.comments().contains("keep-alive"));
            assertThat(client.retries()).containsExactly("3000");
        }
    }

    @Test
    void resumeFromLastEventIdAndFromSinceReplaysExactlyWhatWasMissedThenContinuesLive() throws Exception {
        String alert = fixtures.alert("proj-stream", "resume", "warning", "open", Instant.now(), Instant.now(), "x");
        String lastSeen;
        try (SseClient client = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=resume", key, null)) {
            awaitConnected(client);
            fixtures.change(alert, "alert.updated", null);
            lastSeen = nextOfKind(client, "alert.updated").id();
        }
        Instant disconnectedAt = Instant.now();
        List<Long> missed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            missed.add(fixtures.change(alert, "alert.updated", null));
        }
        // Header.
        try (SseClient client = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=resume", key, lastSeen)) {
            assertThat(ids(client, 3)).containsExactlyElementsOf(missed);
            long live = fixtures.change(alert, "alert.resolved", null);
            Event next = next(client);
            assertThat(Long.parseLong(next.id())).isEqualTo(live);
            assertThat(next.event()).isEqualTo("alert.resolved");
            assertThat(client.next(Duration.ofMillis(700))).as("no duplicate").isNull();
        }
        // since= cursor, and since= time: the same three, in order.
        try (SseClient client = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=resume&since=" + lastSeen, key, null)) {
            assertThat(ids(client, 3)).containsExactlyElementsOf(missed);
        }
        try (SseClient client = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=resume&since="
                + disconnectedAt.minusMillis(1), key, null)) {
            assertThat(ids(client, 3)).containsExactlyElementsOf(missed);
        }
        // A resume longer than max-replay stops at the limit with stream.reset; resuming from there continues.
        try (GatewayHarness capped = GatewayHarness.start("--sluice.stream.max-replay=2");
             SseClient client = SseClient.connect(capped.port(), "/v1/alerts/stream?app_id=resume", key, lastSeen)) {
            assertThat(ids(client, 2)).containsExactlyElementsOf(missed.subList(0, 2));
            Event reset = next(client);
            assertThat(reset.event()).isEqualTo("stream.reset");
            assertThat(JSON.readTree(reset.data()).get("last_event_id").longValue()).isEqualTo(missed.get(1));
            try (SseClient again = SseClient.connect(capped.port(), "/v1/alerts/stream?app_id=resume", key,
                    Long.toString(missed.get(1)))) {
                assertThat(Long.parseLong(next(again).id())).isEqualTo(missed.get(2));
            }
        }
        try (SseClient bad = SseClient.connect(a.port(), "/v1/alerts/stream?since=yesterday", key, null)) {
            assertThat(bad.status()).isEqualTo(400);
        }
    }

    @Test
    void resumeAcrossAGatewayRestartAndFanOutToBothReplicas() throws Exception {
        String alert = fixtures.alert("proj-stream", "fanout", "critical", "open", Instant.now(), Instant.now(), "x");
        try (SseClient onA = SseClient.connect(a.port(), "/v1/alerts/stream?app_id=fanout", key, null);
             SseClient onB = SseClient.connect(b.port(), "/v1/alerts/stream?app_id=fanout", key, null)) {
            awaitConnected(onA);
            awaitConnected(onB);
            // A change made through replica A's API reaches the client on replica B too.
            a.client().post().uri("/v1/alerts/" + alert + "/acknowledge").header("Authorization", "Bearer " + key)
                    .exchange().expectStatus().isOk();
            // (A live-only client starts where its replica's feed stands: it may also get the opening.)
            Event onAEvent = nextOfKind(onA, "alert.updated");
            Event onBEvent = nextOfKind(onB, "alert.updated");
            assertThat(onBEvent.id()).isEqualTo(onAEvent.id());
            assertThat(JSON.readTree(onBEvent.data()).get("status").stringValue()).isEqualTo("acknowledged");
        }
        // A third gateway, started after the changes were written, resumes from the cursor.
        long before = fixtures.change(alert, "alert.updated", null);
        long missed1 = fixtures.change(alert, "alert.updated", null);
        long missed2 = fixtures.change(alert, "alert.updated", null);
        try (GatewayHarness restarted = GatewayHarness.start();
             SseClient client = SseClient.connect(restarted.port(), "/v1/alerts/stream?app_id=fanout", key,
                     Long.toString(before))) {
            assertThat(ids(client, 2)).containsExactly(missed1, missed2);
            long live = fixtures.change(alert, "alert.updated", null);
            assertThat(Long.parseLong(next(client).id())).isEqualTo(live);
        }
    }

    @Test
    void filtersAndTenantIsolation() throws Exception {
        try (SseClient mine = SseClient.connect(a.port(), "/v1/alerts/stream?severity=critical", key, null);
             SseClient other = SseClient.connect(a.port(), "/v1/alerts/stream", otherKey, null)) {
            awaitConnected(mine);
            awaitConnected(other);
            String warning = fixtures.alert("proj-stream", "filters", "warning", "open", Instant.now(), Instant.now(), "x");
            String critical = fixtures.alert("proj-stream", "filters", "critical", "open", Instant.now(), Instant.now(), "x");
            String theirs = fixtures.alert("proj-stream-other", "filters", "critical", "open", Instant.now(), Instant.now(), "x");
            assertThat(JSON.readTree(next(mine).data()).get("id").stringValue()).isEqualTo(critical);
            assertThat(JSON.readTree(next(other).data()).get("id").stringValue()).isEqualTo(theirs);
            assertThat(mine.next(Duration.ofMillis(700))).isNull();
            assertThat(other.next(Duration.ofMillis(300))).isNull();
            assertThat(warning).isNotNull();
        }
        try (SseClient noScope = SseClient.connect(a.port(), "/v1/alerts/stream", a.newKey("proj-stream",
                List.of("write:events")), null)) {
            assertThat(noScope.status()).isEqualTo(403);
        }
    }

    @Test
    void aClientThatStopsReadingIsEvictedWithAFinalEventInsteadOfGrowingMemory() throws Exception {
        try (GatewayHarness small = GatewayHarness.start("--sluice.stream.client-buffer=20");
             Socket socket = new Socket("127.0.0.1", small.port())) {
            MeterRegistry meters = small.context().getBean(MeterRegistry.class);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /v1/alerts/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Awaitility.await().atMost(WAIT).until(() -> meters.get("sluice_sse_clients").gauge().value() == 1.0);
            // Far more than socket buffers hold; the client reads nothing meanwhile.
            String alert = fixtures.alert("proj-stream", "slow", "warning", "open", Instant.now(), Instant.now(), "x");
            fixtures.manyChanges(alert, 4000, 4000);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> meters.get("sluice_sse_clients").gauge().value() == 0.0);
            // When it finally reads, the stream ends with the eviction notice.
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(20_000);
            java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
            byte[] chunk = new byte[65536];
            String tail = "";
            int n;
            while (!tail.contains("event:stream.evicted") && (n = in.read(chunk)) > 0) {
                seen.write(chunk, 0, n);
                tail = new String(chunk, Math.max(0, n - 600), Math.min(n, 600), StandardCharsets.UTF_8);
                if (tail.contains("stream.evicted")) {
                    tail = new String(seen.toByteArray(), StandardCharsets.UTF_8);
                }
            }
            String text = new String(seen.toByteArray(), StandardCharsets.UTF_8);
            assertThat(text).contains("event:stream.evicted").contains("slow_client");
            // It got less than was written: the rest was dropped with the client's buffer, not queued.
            assertThat(seen.size()).isLessThan(4000 * 4000);
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    static void awaitConnected(SseClient client) {
        Awaitility.await().atMost(WAIT).until(() -> client.comments().contains("connected"));
    }

    static Event next(SseClient client) throws InterruptedException {
        Event e = client.next(WAIT);
        assertThat(e).as("an event within " + WAIT).isNotNull();
        return e;
    }

    static Event nextOfKind(SseClient client, String kind) throws InterruptedException {
        Event e = next(client);
        while (!kind.equals(e.event())) {
            e = next(client);
        }
        return e;
    }

    static List<Long> ids(SseClient client, int n) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Long.parseLong(next(client).id()));
        }
        return ids;
    }
}
