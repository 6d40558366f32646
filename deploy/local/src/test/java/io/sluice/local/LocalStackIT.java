package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path end to end: the local stack as {@code main} starts it, the seed's full curl
 * example with the dev key, and the three events as rows in PostgreSQL and a record in Kafka.
 */
class LocalStackIT {

    static final String DEV_KEY = "cc-local-stack-it-key";

    @TempDir
    Path dir;

    static String seedExample() throws Exception {
        try (InputStream in = LocalStackIT.class.getResourceAsStream("/seed/cc-full-example.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static LocalStack.Options options(Path dir, int kafkaPort, int controllerPort, boolean scorer) {
        return new LocalStack.Options(dir, kafkaPort, controllerPort, 0, 0, 0, 2, DEV_KEY, scorer, List.of());
    }

    @Test
    void seedExampleLandsInKafkaAndPostgresWithinFiveSecondsAndSurvivesARestart() throws Exception {
        int kafkaPort = freePort();
        int controllerPort = freePort();
        String requestId;
        try (LocalStack stack = LocalStack.start(options(dir, kafkaPort, controllerPort, true))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
                    .uri(URI.create("http://127.0.0.1:" + stack.gatewayPort() + "/v1/ingest"))
                    .header("Authorization", "Bearer " + DEV_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(seedExample()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long acknowledgedAt = System.nanoTime();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"accepted\":3,\"rejected\":0,\"session_id\":\"sess_abc123\",\"request_id\":\"req_")
                    .endsWith("\"usage\":{\"credits\":1}}");
            requestId = response.body().replaceAll(".*\"request_id\":\"(req_[0-9A-Z]+)\".*", "$1");

            List<String> types = List.of();
            while (System.nanoTime() - acknowledgedAt < Duration.ofSeconds(5).toNanos()) {
                types = eventTypes(stack, requestId);
                if (types.size() == 3) {
                    break;
                }
                Thread.onSpinWait();
            }
            assertThat(types).as("rows within 5 s of the ack").containsExactlyInAnyOrder("page_hit", "click", "crash");
            assertThat(recordsMentioning(stack, requestId)).isEqualTo(1);
        }

        // Same data directory: events and keys are still there after a restart.
        try (LocalStack stack = LocalStack.start(options(dir, kafkaPort, controllerPort, true))) {
            assertThat(eventTypes(stack, requestId)).hasSize(3);
            assertThat(recordsMentioning(stack, requestId)).isEqualTo(1);
        }
    }

    static List<String> eventTypes(LocalStack stack, String requestId) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type FROM events WHERE project_id = 'demo' AND request_id = '"
                     + requestId + "'")) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        return types;
    }

    static long recordsMentioning(LocalStack stack, String requestId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(LocalStack.EVENTS_TOPIC));
            long found = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (found == 0 && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().contains(requestId)) {
                        found++;
                    }
                }
            }
            return found;
        }
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
