package io.sluice.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.gateway.support.MmdbWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Geo enrichment against a MaxMind DB file the test writes itself (GeoLite2 City layout). */
class GeoEnricherTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    @TempDir
    static Path dir;
    static GeoEnricher geo;

    @BeforeAll
    static void database() throws Exception {
        Path file = dir.resolve("test-city.mmdb");
        writeTestDatabase(file);
        geo = new GeoEnricher(file.toFile());
    }

    /** London and Sydney networks, as GeoLite2 City records. */
    public static void writeTestDatabase(Path file) throws Exception {
        new MmdbWriter()
                .network("82.45.123.0", 24, Map.of(
                        "city", Map.of("names", Map.of("en", "London")),
                        "country", Map.of("iso_code", "GB", "names", Map.of("en", "United Kingdom")),
                        "subdivisions", List.of(Map.of("names", Map.of("en", "England"))),
                        "location", Map.of("time_zone", "Europe/London")))
                .network("203.0.113.0", 24, Map.of(
                        "city", Map.of("names", Map.of("en", "Sydney")),
                        "country", Map.of("iso_code", "AU", "names", Map.of("en", "Australia")),
                        "location", Map.of("time_zone", "Australia/Sydney")))
                .write(file);
    }

    @AfterAll
    static void close() throws Exception {
        geo.close();
    }

    static JsonNode enriched(String location) {
        return geo.apply(List.of(new CanonicalEvent("evt_1", "req_1", "p", "app", "ios", null, null, "click", Instant.EPOCH,
                Instant.EPOCH, "cc", null, null, JSON.readTree(location), JSON.createObjectNode(), null, null))).get(0).location();
    }

    @Test
    void fillsCountryCityRegionAndTimezoneFromTheIpAddress() {
        JsonNode l = enriched("{\"ip_address\":\"82.45.123.10\"}");
        assertThat(l.get("country").stringValue()).isEqualTo("GB");
        assertThat(l.get("country_name").stringValue()).isEqualTo("United Kingdom");
        assertThat(l.get("city").stringValue()).isEqualTo("London");
        assertThat(l.get("region").stringValue()).isEqualTo("England");
        assertThat(l.get("timezone").stringValue()).isEqualTo("Europe/London");
        JsonNode sydney = enriched("{\"ip_address\":\"203.0.113.200\"}");
        assertThat(sydney.get("city").stringValue()).isEqualTo("Sydney");
        assertThat(sydney.has("region")).isFalse();
    }

    @Test
    void fillsOnlyMissingFieldsAndLeavesUnknownAddressesAlone() {
        JsonNode l = enriched("{\"ip_address\":\"82.45.123.10\",\"city\":\"Croydon\",\"country\":\"GB\"}");
        assertThat(l.get("city").stringValue()).isEqualTo("Croydon");
        assertThat(l.get("timezone").stringValue()).isEqualTo("Europe/London");
        assertThat(enriched("{\"ip_address\":\"10.1.2.3\"}").has("country")).isFalse();
        assertThat(enriched("{\"ip_address\":\"not-an-ip\"}").has("country")).isFalse();
        assertThat(enriched("{\"city\":\"Paris\"}").get("city").stringValue()).isEqualTo("Paris");
    }
}
