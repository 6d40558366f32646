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
    void blocksWithRawBytesAreCopiedAsSentAndDecodeToTheSameEvents() {
        // The client's own spelling (spaces, an exponent, an escape) only survives if the bytes are copied.
        byte[] body = "xx{ \"screen\" : \"Caf\\u00e9\", \"fps\": 6e1 }yy".getBytes(StandardCharsets.UTF_8);
        JsonNode payload = json.readTree(new String(body, 2, body.length - 4, StandardCharsets.UTF_8));
        CanonicalEvent a = withPayload(event("evt_a", "page_hit", node("{\"id\":\"u1\"}"), "s"), payload);
        CanonicalEvent b = event("evt_b", "click", node("{\"id\":\"u1\"}"), "s");
        java.util.Map<JsonNode, RawJson> raw = new java.util.IdentityHashMap<>();
        raw.put(payload, new RawJson(body, 2, body.length - 4));

        byte[] batch = codec.encodeBatch(List.of(a, b), raw);
        String text = new String(batch, StandardCharsets.UTF_8);
        assertThat(text).contains("\"payload\":{ \"screen\" : \"Caf\\u00e9\", \"fps\": 6e1 }");
        // b's payload is not in the map: serialized from its tree as before.
        assertThat(text).contains("\"payload\":{\"screen\":\"Home\",\"n\":[1,2]}");
        List<CanonicalEvent> decoded = codec.decode(batch);
        assertThat(decoded.get(0).payload()).isEqualTo(payload);
        assertThat(decoded).containsExactlyElementsOf(codec.decode(codec.encodeBatch(List.of(a, b))));

        byte[] single = codec.encode(a, raw);
        assertThat(new String(single, StandardCharsets.UTF_8)).contains("6e1");
        assertThat(codec.decode(single)).containsExactly(codec.decode(codec.encode(a)).get(0));
    }

    @Test
    void nodesStandingForRawBytesAreCopiedWithoutTheIdentityMap() {
        byte[] body = "xx{ \"trace\" : \"t\" }yy{\"k\":\"v\",  \"b\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        RawJson customBytes = new RawJson(body, 2, 17);
        RawJson tagsBytes = new RawJson(body, 21, body.length - 21);
        JsonNode custom = customBytes.node(json.getNodeFactory());
        JsonNode tags = tagsBytes.node(json.getNodeFactory());
        assertThat(RawJson.of(custom)).isSameAs(customBytes);
        assertThat(RawJson.of(node("{\"k\":1}"))).isNull();
        assertThat(RawJson.of(null)).isNull();
        CanonicalEvent e = event("evt_a", "click", null, "s");
        CanonicalEvent withRaw = new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(),
                e.appVersion(), e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), e.user(), e.device(),
                e.location(), e.payload(), tags, custom);

        for (byte[] bytes : List.of(codec.encode(withRaw), codec.encodeBatch(List.of(withRaw, e)))) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertThat(text).contains("\"custom\":{ \"trace\" : \"t\" }").contains("\"tags\":{\"k\":\"v\",  \"b\":\"1\"}");
            CanonicalEvent decoded = codec.decode(bytes).get(0);
            assertThat(decoded.custom()).isEqualTo(node("{\"trace\":\"t\"}"));
            assertThat(decoded.tags()).isEqualTo(node("{\"k\":\"v\",\"b\":\"1\"}"));
        }
        assertThat(customBytes.readTree(json)).isEqualTo(node("{\"trace\":\"t\"}"));
    }

    @Test
    void aBatchOfBlocksKeptAsSentFitsTheBufferItIsGivenWithLittleToSpare() {
        byte[] body = ("{\"screen\":\"CheckoutScreen\",\"referrer\":\"PushNotification\",\"load_time_ms\":320}"
                + "{\"build\":\"4512\",\"flavor\":\"prod\",\"experiment\":\"checkout-v3\",\"cohort\":\"b\"}"
                + "{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"feature_flags\":[\"new-cart\"]}")
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(body, StandardCharsets.UTF_8);
        int tags = text.indexOf("{\"build");
        int custom = text.indexOf("{\"trace_id");
        JsonNode payload = new RawJson(body, 0, tags).node(json.getNodeFactory());
        JsonNode tagBlock = new RawJson(body, tags, custom - tags).node(json.getNodeFactory());
        JsonNode customBlock = new RawJson(body, custom, body.length - custom).node(json.getNodeFactory());
        List<CanonicalEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CanonicalEvent e = event("evt_01KBCZ" + String.format("%020d", i), i % 2 == 0 ? "page_hit" : "network_error",
                    node("{\"id\":\"usr_9f3a2c\",\"email\":\"jane@example.com\",\"plan\":\"pro\"}"), "sess_1");
            events.add(new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(),
                    e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), events.isEmpty() ? e.user()
                    : events.get(0).user(), e.device(), e.location(), payload, tagBlock, customBlock));
        }
        int encoded = codec.encodeBatch(events).length;
        int hint = EventCodec.sizeHint(events, java.util.Map.of());
        assertThat(hint).isGreaterThanOrEqualTo(encoded).isLessThan(encoded * 3 / 2);
    }

    @Test
    void aRawSliceMustLieInsideItsBytes() {
        assertThatThrownBy(() -> new RawJson(new byte[4], 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RawJson(new byte[4], 0, 0)).isInstanceOf(IllegalArgumentException.class);
        RawJson r = new RawJson("a{}b".getBytes(StandardCharsets.UTF_8), 1, 2);
        assertThat(r.getValue()).isEqualTo("{}");
        assertThat(r.appendUnquotedUTF8(new byte[1], 0)).isEqualTo(-1);
        assertThat(r.asQuotedUTF8()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
    }

    private static CanonicalEvent withPayload(CanonicalEvent e, JsonNode payload) {
        return new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(),
                e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), e.user(), e.device(), e.location(),
                payload, e.tags(), e.custom());
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
