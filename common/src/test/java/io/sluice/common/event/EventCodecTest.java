package io.sluice.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EventCodecTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final EventCodec codec = new EventCodec();

    private JsonNode node(String s) {
        return json.readTree(s);
    }

    private CanonicalEvent event(String id, String type, JsonNode user, String session) {
        return new CanonicalEvent(id, "req_1", "proj", "my-app", "ios", "2.4.1", session, type,
                Instant.parse("2026-05-13T09:00:00Z"), Instant.parse("2026-05-13T09:00:01.5Z"), Dialect.CC,
                user, node("{\"model\":\"iPhone 15 Pro\"}"), null, node("{\"screen\":\"Home\",\"n\":[1,2]}"),
                node("{\"k\":\"v\"}"), null);
    }

    @Test
    void singleEventRoundTripsWithSnakeCaseNames() {
        CanonicalEvent e = event("evt_1", "crash", node("{\"id\":\"u1\"}"), "sess");
        byte[] bytes = codec.encode(e);
        JsonNode tree = json.readTree(bytes);
        assertThat(tree.get("event_id").stringValue()).isEqualTo("evt_1");
        assertThat(tree.get("received_at").stringValue()).isEqualTo("2026-05-13T09:00:01.500Z");
        assertThat(tree.has("location")).isFalse();
        assertThat(codec.decode(bytes)).containsExactly(e);
    }

    @Test
    void batchWritesTheSharedEnvelopeOnceAndRoundTrips() {
        JsonNode user = node("{\"id\":\"u1\",\"email\":\"a@b.c\"}");
        CanonicalEvent a = event("evt_a", "page_hit", user, "sess");
        CanonicalEvent b = event("evt_b", "click", user, "sess");
        byte[] bytes = codec.encodeBatch(List.of(a, b));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text.split("a@b.c", -1)).hasSize(2);
        assertThat(codec.decode(bytes)).containsExactly(a, b);
    }

    @Test
    void batchElementsKeepWhatDiffersFromTheEnvelopeIncludingNulls() {
        CanonicalEvent a = event("evt_a", "page_hit", node("{\"id\":\"u1\"}"), "s1");
        CanonicalEvent b = event("evt_b", "click", null, null);
        CanonicalEvent c = event("evt_c", "click", node("{\"id\":\"u2\"}"), "s2");
        assertThat(codec.decode(codec.encodeBatch(List.of(a, b, c)))).containsExactly(a, b, c);
    }

    @Test
    void malformedValuesAreRejectedWithAReason() {
        assertThatThrownBy(() -> codec.decode("not json".getBytes())).isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> codec.decode("[1]".getBytes())).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> codec.decode("{\"events\":{}}".getBytes())).hasMessageContaining("not an array");
        assertThatThrownBy(() -> codec.decode("{\"event_id\":\"e\"}".getBytes()))
                .hasMessageContaining("'project_id' is missing");
        byte[] good = codec.encode(event("evt_1", "crash", null, null));
        String badTime = new String(good, StandardCharsets.UTF_8).replace("2026-05-13T09:00:00Z", "yesterday");
        assertThatThrownBy(() -> codec.decode(badTime.getBytes())).hasMessageContaining("bad instant");
        assertThatThrownBy(() -> codec.decode("{\"events\":[1]}".getBytes())).hasMessageContaining("not a JSON object");
    }
}
