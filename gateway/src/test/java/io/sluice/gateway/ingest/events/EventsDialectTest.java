package io.sluice.gateway.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventsDialectTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static List<JsonNode> events(String... json) {
        List<JsonNode> out = new ArrayList<>();
        for (String j : json) {
            out.add(JSON.readTree(j));
        }
        return out;
    }

    @Test
    void eventTypeMeansTrenchcoatAndTypeMeansCanaryHubWhateverTheHeader() {
        assertThat(EventsDialect.decide(null, events("{\"event_type\":\"tool_use\"}"), true)).isEqualTo("trenchcoat");
        assertThat(EventsDialect.decide(null, events("{\"type\":\"event\"}"), false)).isEqualTo("canaryhub");
        // Events without either field do not vote.
        assertThat(EventsDialect.decide(null, events("{}", "[]", "{\"type\":\"error\"}"), false)).isEqualTo("canaryhub");
    }

    @Test
    void noVoteFallsBackToTheCredentialHeader() {
        assertThat(EventsDialect.decide(null, events("{}"), true)).isEqualTo("canaryhub");
        assertThat(EventsDialect.decide(null, events("{}"), false)).isEqualTo("trenchcoat");
        assertThat(EventsDialect.decide(null, List.of(), false)).isEqualTo("trenchcoat");
    }

    @Test
    void aPinnedDialectWinsOverTheBody() {
        assertThat(EventsDialect.decide("canaryhub", events("{\"event_type\":\"tool_use\"}"), false)).isEqualTo("canaryhub");
        assertThat(EventsDialect.decide("trenchcoat", events("{\"type\":\"x\",\"event_type\":\"y\"}"), true))
                .isEqualTo("trenchcoat");
    }

    @Test
    void mixedOrAmbiguousBatchesAreRejectedNamingTheEvents() {
        assertThatThrownBy(() -> EventsDialect.decide(null, events("{\"type\":\"event\"}", "{}", "{\"event_type\":\"x\"}"), true))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("events[0] is CanaryHub").hasMessageContaining("events[2] is Trenchcoat");
        assertThatThrownBy(() -> EventsDialect.decide(null, events("{\"type\":\"event\",\"event_type\":\"x\"}"), true))
                .isInstanceOf(ApiException.class).hasMessageContaining("events[0] has both");
    }
}
