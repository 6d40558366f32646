package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer runs as its own process and is killed with SIGKILL while events stream in; a new
 * scorer then stores every acknowledged event exactly once.
 */
class ScorerCrashIT {

    @TempDir
    Path dir;

    @Test
    void killingTheScorerMidStreamLosesAndDuplicatesNothing() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStackIT.options(dir, 0, 0, false))) {
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
            AtomicLong ackedEvents = new AtomicLong();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = Thread.ofPlatform().name("it-sender").start(() -> {
                int n = 0;
                while (sending.get()) {
                    int events = 5 + (n++ % 20);
                    try {
                        HttpResponse<String> r = http.send(request(stack, n, events), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            String id = r.body().replaceAll(".*\"request_id\":\"(req_[0-9A-Z]+)\".*", "$1");
                            acknowledged.put(id, events);
                            ackedEvents.addAndGet(events);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ackedEvents.get() > 2_000);
            Process first = startScorer(stack, dir.resolve("scorer-1.log").toFile());
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> rows(stack, "count(*)") > 0);
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                first.destroyForcibly();
            }
            long storedAtKill = rows(stack, "count(*)");
            assertThat(storedAtKill).as("killed mid-stream").isLessThan(ackedEvents.get());

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ackedEvents.get() > storedAtKill + 1_000);
            Process second = startScorer(stack, dir.resolve("scorer-2.log").toFile());
            try {
                // The killed member's partitions are reassigned once its session times out (10 s).
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> rows(stack, "count(*)") > storedAtKill);
                sending.set(false);
                sender.join();
                long total = ackedEvents.get();
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> rows(stack, "count(*)") >= total);
                assertThat(rows(stack, "count(*)")).isEqualTo(total);
                assertThat(rows(stack, "count(DISTINCT event_id)")).isEqualTo(total);
                assertThat(rows(stack, "count(DISTINCT request_id)")).isEqualTo(acknowledged.size());
                try (Connection c = stack.postgres().connect(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT request_id, count(*) FROM events WHERE app_id = 'crash-it' GROUP BY 1")) {
                    while (rs.next()) {
                        assertThat(rs.getInt(2)).as(rs.getString(1)).isEqualTo(acknowledged.get(rs.getString(1)));
                    }
                }
            } finally {
                sending.set(false);
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpRequest request(LocalStack stack, int n, int events) {
        StringBuilder body = new StringBuilder("{\"app_id\":\"crash-it\",\"platform\":\"android\",\"session_id\":\"s-")
                .append(n % 13).append("\",\"events\":[");
        for (int i = 0; i < events; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"page_hit\",\"timestamp\":\"2026-11-20T10:00:00Z\",")
                    .append("\"payload\":{\"screen\":\"S").append(i).append("\",\"n\":").append(n).append("}}");
        }
        body.append("]}");
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.gatewayPort() + "/v1/ingest"))
                .header("X-API-Key", LocalStackIT.DEV_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    /** The scorer as a separate JVM on this test's classpath, so SIGKILL hits only it. */
    private static Process startScorer(LocalStack stack, File log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.sluice.scorer.ScorerApplication",
                "--server.port=0",
                "--sluice.db.host=127.0.0.1",
                "--sluice.db.port=" + stack.postgres().port(),
                "--sluice.scorer.bootstrap-servers=" + stack.kafka().bootstrapServers(),
                "--sluice.scorer.max-poll-records=5"))
                .redirectErrorStream(true).redirectOutput(log).start();
    }

    private static long rows(LocalStack stack, String aggregate) throws Exception {
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + aggregate + " FROM events WHERE app_id = 'crash-it'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
