package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole product path in one process, through HTTP only: CC traffic in, the scorer raises a
 * crash-rate alert, an agent reading the SSE stream sees it open, follows its recommended action,
 * reports the fix through ingest, and sees the alert resolve.
 */
class AlertsEndToEndIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String KEY = LocalStackIT.DEV_KEY;

    @Test
    void trafficRaisesAnAlertThatAnAgentStreamsFollowsAndResolves() throws Exception {
        Path dir = Files.createTempDirectory("e2e-alerts");
        LocalStack.Options options = new LocalStack.Options(dir, LocalStackIT.freePort(), LocalStackIT.freePort(), 0, 0, 0,
                1, KEY, true, List.of("--sluice.scoring.learning-period=20m", "--sluice.scoring.tick=200ms"));
        try (LocalStack stack = LocalStack.start(options)) {
            int port = stack.gatewayPort();
            stackPort = port;
            BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
            Thread reader = stream(port, events);

            Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(45));
            Random random = new Random(7);
            for (int m = 0; m < 40; m++) {
                for (int s = 0; s < 20; s++) {
                    boolean ios = random.nextDouble() < 0.6;
                    String os = ios ? (random.nextDouble() < 2.0 / 3 ? "18.1" : "17.5") : "14";
                    boolean incident = m >= 30 && ios && os.equals("18.1");
                    boolean crash = random.nextDouble() < (incident ? 0.6 : 0.005);
                    Instant at = t0.plus(Duration.ofMinutes(m)).plusSeconds(s);
                    String body = "{\"app_id\":\"shop\",\"platform\":\"" + (ios ? "ios" : "android") + "\",\"app_version\":\"2.4.0\","
                            + "\"session_id\":\"e2e-" + m + "-" + s + "\",\"device\":{\"os_version\":\"" + os + "\"},\"events\":["
                            + "{\"type\":\"page_hit\",\"timestamp\":\"" + at + "\",\"payload\":{\"screen\":\"Home\"}}"
                            + (crash ? ",{\"type\":\"crash\",\"timestamp\":\"" + at.plusSeconds(20) + "\",\"payload\":"
                                    + "{\"exception\":\"NullPointerException\",\"stack_trace\":\"at com.shop.Main:42\",\"fatal\":true}}" : "")
                            + "]}";
                    assertThat(post("/v1/ingest", body).statusCode()).isEqualTo(200);
                }
            }

            String[] opened = await(events, e -> e[0].equals("alert.opened"), Duration.ofSeconds(90));
            JsonNode alert = JSON.readTree(opened[2]);
            assertThat(alert.get("pattern").stringValue()).isEqualTo("crash_rate_spike");
            assertThat(alert.get("app_id").stringValue()).isEqualTo("shop");
            assertThat(alert.get("description").stringValue()).contains("Crash-free session rate dropped from");
            String id = alert.get("id").stringValue();

            JsonNode listed = JSON.readTree(get("/v1/alerts?app_id=shop&from=-2h").body());
            assertThat(listed.get("total").longValue()).isEqualTo(1);
            assertThat(listed.get("alerts").get(0).get("id").stringValue()).isEqualTo(id);

            String action = alert.get("recommended_action").stringValue();
            JsonNode signals = JSON.readTree(get(action.substring(action.indexOf("/v1/signals"))).body()).get("signals");
            assertThat(signals).isNotEmpty().allSatisfy(s -> assertThat(s.get("type").stringValue()).isEqualTo("crash"));

            String report = "{\"app_id\":\"shop\",\"events\":[{\"type\":\"agent_report\",\"timestamp\":\"" + Instant.now()
                    + "\",\"payload\":{\"agent_id\":\"aa-monitor-v2\",\"status\":\"fixed\",\"summary\":\"Null guard shipped.\","
                    + "\"alert_ids\":[\"" + id + "\"],\"root_cause\":\"Null reference on user.profile.\",\"confidence\":0.9}}]}";
            assertThat(post("/v1/ingest", report).statusCode()).isEqualTo(200);
            String[] resolved = await(events, e -> e[0].equals("alert.resolved") && e[2].contains(id), Duration.ofSeconds(30));
            JsonNode after = JSON.readTree(resolved[2]);
            assertThat(after.get("status").stringValue()).isEqualTo("resolved");
            assertThat(after.get("resolution").get("root_cause").stringValue()).isEqualTo("Null reference on user.profile.");
            assertThat(JSON.readTree(get("/v1/alerts/" + id).body()).get("timeline"))
                    .extracting(t -> t.get("kind").stringValue()).contains("alert.opened", "agent_report", "alert.resolved");
            reader.interrupt();
        }
    }

    /** Reads the SSE stream in a thread the way an agent would: lines, blank line ends an event. */
    static Thread stream(int port, BlockingQueue<String[]> events) throws Exception {
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/alerts/stream?app_id=shop"))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String id = null;
                String data = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (event != null) {
                            events.add(new String[] {event, id, data});
                        }
                        event = null;
                        id = null;
                        data = null;
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6);
                    } else if (line.startsWith("id:")) {
                        id = line.substring(3);
                    } else if (line.startsWith("data:")) {
                        data = line.substring(5);
                    }
                }
            } catch (Exception e) {
                // stream closed
            }
        }, "e2e-sse");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String[] await(BlockingQueue<String[]> events, java.util.function.Predicate<String[]> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String[] e = events.poll(200, TimeUnit.MILLISECONDS);
            if (e != null && match.test(e)) {
                return e;
            }
        }
        throw new AssertionError("no matching stream event within " + timeout);
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stackPort + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stackPort + path))
                .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static volatile int stackPort;
}
