package io.sluice.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Geo enrichment in a running gateway (BlockHound on): from the body's ip_address, and from a
 * trusted proxy's X-Forwarded-For when the body has none (the address itself is not stored).
 */
class EnrichmentIT {

    @Test
    void locationIsFilledFromTheIpAddressOrTheForwardedClientAddress() throws Exception {
        Path db = Files.createTempDirectory("geo").resolve("city.mmdb");
        GeoEnricherTest.writeTestDatabase(db);
        try (GatewayHarness gateway = GatewayHarness.start("--sluice.enrichment.geoip-database=" + db,
                "--sluice.enrichment.client-address=forwarded")) {
            String key = gateway.newKey("proj-geo", DevData.ALL_SCOPES);
            send(gateway, key, "{\"app_id\":\"a\",\"session_id\":\"geo-body\",\"location\":{\"ip_address\":\"82.45.123.10\"},"
                    + "\"events\":[{\"type\":\"click\",\"timestamp\":\"" + Instant.now() + "\",\"payload\":{}}]}", null);
            send(gateway, key, "{\"app_id\":\"a\",\"session_id\":\"geo-proxy\",\"events\":[{\"type\":\"click\","
                    + "\"timestamp\":\"" + Instant.now() + "\",\"payload\":{}}]}", "203.0.113.7, 10.0.0.1");
            CanonicalEvent body = find(gateway, "geo-body");
            assertThat(body.location().get("city").stringValue()).isEqualTo("London");
            assertThat(body.location().get("country").stringValue()).isEqualTo("GB");
            assertThat(body.location().get("region").stringValue()).isEqualTo("England");
            assertThat(body.location().get("timezone").stringValue()).isEqualTo("Europe/London");
            CanonicalEvent proxied = find(gateway, "geo-proxy");
            assertThat(proxied.location().get("city").stringValue()).isEqualTo("Sydney");
            assertThat(proxied.location().get("country_name").stringValue()).isEqualTo("Australia");
            assertThat(proxied.location().has("ip_address")).as("the client address is not stored").isFalse();
        }
    }

    static void send(GatewayHarness g, String key, String body, String forwardedFor) {
        var request = g.client().post().uri("/v1/ingest").header("Authorization", "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON);
        if (forwardedFor != null) {
            request = request.header("X-Forwarded-For", forwardedFor);
        }
        request.bodyValue(body).exchange().expectStatus().isOk();
    }

    static CanonicalEvent find(GatewayHarness g, String session) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(g.kafka().bootstrapServers(), g.topic(),
                seen -> seen.stream().anyMatch(r -> text(r).contains("\"" + session + "\"")), Duration.ofSeconds(20));
        return records.stream().filter(r -> text(r).contains("\"" + session + "\"")).findFirst()
                .map(r -> new EventCodec().decode(r.value()).get(0)).orElseThrow();
    }

    static String text(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }
}
