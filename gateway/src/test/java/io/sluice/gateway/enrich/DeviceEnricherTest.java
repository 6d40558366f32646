package io.sluice.gateway.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DeviceEnricherTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final DeviceEnricher ENRICHER = new DeviceEnricher(100);

    static CanonicalEvent event(JsonNode device) {
        return new CanonicalEvent("evt_1", "req_1", "p", "app", "web", null, null, "page_hit", Instant.EPOCH, Instant.EPOCH,
                "cc", null, device, null, JSON.createObjectNode(), null, null);
    }

    static JsonNode enriched(String deviceJson) {
        return ENRICHER.apply(List.of(event(JSON.readTree(deviceJson)))).get(0).device();
    }

    @Test
    void fillsBrowserOsAndTypeFromTheUserAgent() {
        JsonNode chrome = enriched("{\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36\"}");
        assertThat(chrome.get("browser").stringValue()).isEqualTo("Chrome");
        assertThat(chrome.get("browser_version").stringValue()).isEqualTo("120.0.6099");
        assertThat(chrome.get("os").stringValue()).isEqualTo("Windows");
        assertThat(chrome.get("type").stringValue()).isEqualTo("desktop");

        JsonNode iphone = enriched("{\"user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\"}");
        assertThat(iphone.get("os").stringValue()).isEqualTo("iOS");
        assertThat(iphone.get("os_version").stringValue()).isEqualTo("17.1");
        assertThat(iphone.get("type").stringValue()).isEqualTo("mobile");

        JsonNode ipad = enriched("{\"user_agent\":\"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1\"}");
        assertThat(ipad.get("type").stringValue()).isEqualTo("tablet");
    }

    @Test
    void onlyMissingFieldsAreFilledAndOthersAreLeftAlone() {
        JsonNode d = enriched("{\"user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\",\"os\":\"iPadOS\",\"model\":\"x\"}");
        assertThat(d.get("os").stringValue()).isEqualTo("iPadOS");
        assertThat(d.get("model").stringValue()).isEqualTo("x");
        assertThat(d.get("browser").stringValue()).isEqualTo("Mobile Safari");
        CanonicalEvent none = event(JSON.readTree("{\"model\":\"Pixel 8\"}"));
        assertThat(ENRICHER.apply(List.of(none)).get(0)).isSameAs(none);
        JsonNode garbage = enriched("{\"user_agent\":\"zzzz\"}");
        assertThat(garbage.has("browser")).isFalse();
        assertThat(garbage.has("type")).isFalse();
    }

    @Test
    void aBlockSharedByARequestsEventsIsEnrichedOnceAndStaysShared() {
        JsonNode shared = JSON.readTree("{\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0\"}");
        List<CanonicalEvent> out = ENRICHER.apply(List.of(event(shared), event(shared)));
        assertThat(out.get(0).device()).isSameAs(out.get(1).device());
        assertThat(out.get(0).device().get("browser").stringValue()).isEqualTo("Firefox");
        assertThat(shared.has("browser")).as("the input block is not modified").isFalse();
    }
}
