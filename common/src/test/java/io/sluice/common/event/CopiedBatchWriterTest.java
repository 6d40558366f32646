package io.sluice.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CopiedBatchWriterTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final EventCodec codec = new EventCodec();

    /** A request body's bytes, as the gateway holds them while it encodes. */
    private final byte[] body = ("{ \"screen\" : \"Caf\\u00e9 \\\"Ü\\\"\", \"fps\": 6e1 }"
            + "{\"build\":\"4512\",  \"flavor\":\"prod\"}"
            + "{\"trace_id\":\"4bf92f35\",\"flags\":[\"new-cart\",null,1.5]}"
            + "{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503}").getBytes(StandardCharsets.UTF_8);
    private final Map<JsonNode, RawJson> raw = new IdentityHashMap<>();

    private List<RawJson> blocks() {
        String text = new String(body, StandardCharsets.UTF_8);
        List<RawJson> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int bytesBefore = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' && depth++ == 0) {
                start = bytesBefore;
            }
            bytesBefore += String.valueOf(c).getBytes(StandardCharsets.UTF_8).length;
            if (c == '}' && --depth == 0) {
                out.add(new RawJson(body, start, bytesBefore - start));
            }
        }
        return out;
    }

    /** 50 events of one request: blocks as raw nodes or as trees mapped to their bytes, some absent. */
    private List<CanonicalEvent> request() {
        List<RawJson> blocks = blocks();
        JsonNode user = json.readTree("{\"id\":\"usr_9f3a2c\",\"email\":\"jane@example.com\"}");
        JsonNode device = json.readTree("{\"model\":\"iPhone 15 Pro\",\"os_version\":\"18.1\"}");
        JsonNode location = json.readTree("{\"country\":\"GB\",\"city\":\"Zürich \\\"x\\\"\"}");
        Instant received = Instant.parse("2026-05-13T09:00:01.500Z");
        List<CanonicalEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            JsonNode payload = i % 3 == 0 ? mapped(blocks.get(i % 2 == 0 ? 0 : 3))
                    : blocks.get(i % 2 == 0 ? 0 : 3).node(json.getNodeFactory());
            JsonNode tags = i % 4 == 0 ? null : i % 4 == 1 ? mapped(blocks.get(1)) : blocks.get(1).node(json.getNodeFactory());
            JsonNode custom = i % 5 == 0 ? null : blocks.get(2).node(json.getNodeFactory());
            events.add(new CanonicalEvent("evt_01KBCZ" + String.format("%020d", i), "req_01KBCZ1", "prj_1",
                    "my-app \"é\"", "ios", "2.4.1", "sess_\u00fc\\1", i % 2 == 0 ? "page_hit" : "network_error",
                    received.minusNanos(i * 1_000_123L), received, Dialect.CC, user, device, location, payload, tags, custom));
        }
        return events;
    }

    private JsonNode mapped(RawJson bytes) {
        JsonNode tree = bytes.readTree(json);
        raw.put(tree, bytes);
        return tree;
    }

    @Test
    void aRequestsEventsAreCopiedIntoTheSameBytesTheGeneratorWrites() {
        List<CanonicalEvent> events = request();
        byte[] copied = CopiedBatchWriter.write(head -> envelope(events), events, raw);
        assertThat(copied).as("copied").isNotNull();
        byte[] generated = codec.generatedBatch(events, raw);
        assertThat(new String(copied, StandardCharsets.UTF_8)).isEqualTo(new String(generated, StandardCharsets.UTF_8));
        assertThat(copied).isEqualTo(generated);
        assertThat(codec.encodeBatch(events, raw)).isEqualTo(generated);
        assertThat(codec.decode(copied)).hasSize(50);
        assertThat(codec.decode(copied).get(1).custom()).isEqualTo(json.readTree("{\"trace_id\":\"4bf92f35\",\"flags\":[\"new-cart\",null,1.5]}"));
    }

    @Test
    void aSingleEventBatchIsCopiedToo() {
        List<CanonicalEvent> one = request().subList(1, 2);
        assertThat(CopiedBatchWriter.write(head -> envelope(one), one, raw)).isNotNull().isEqualTo(codec.generatedBatch(one, raw));
    }

    @Test
    void anElementTheGeneratorMustWriteLeavesTheWholeBatchToIt() {
        List<UnaryOperator<CanonicalEvent>> changes = List.of(
                e -> with(e, e.eventId(), e.type(), "other-session", e.receivedAt(), e.user(), e.payload(), e.tags()),
                e -> with(e, e.eventId(), e.type(), e.sessionId(), e.receivedAt().plusMillis(1), e.user(), e.payload(), e.tags()),
                e -> with(e, e.eventId(), e.type(), e.sessionId(), e.receivedAt(), json.readTree("{\"id\":\"u2\"}"),
                        e.payload(), e.tags()),
                e -> with(e, "evt_\u00e9", e.type(), e.sessionId(), e.receivedAt(), e.user(), e.payload(), e.tags()),
                e -> with(e, e.eventId(), "page\"hit", e.sessionId(), e.receivedAt(), e.user(), e.payload(), e.tags()),
                e -> with(e, e.eventId(), "page\\hit", e.sessionId(), e.receivedAt(), e.user(), e.payload(), e.tags()),
                e -> with(e, e.eventId(), "page\nhit", e.sessionId(), e.receivedAt(), e.user(), e.payload(), e.tags()),
                // A block that is a tree with no bytes behind it (a policy rewrote it).
                e -> with(e, e.eventId(), e.type(), e.sessionId(), e.receivedAt(), e.user(),
                        json.readTree("{\"screen\":\"edited\"}"), e.tags()),
                e -> with(e, e.eventId(), e.type(), e.sessionId(), e.receivedAt(), e.user(), e.payload(),
                        json.readTree("{\"k\":\"edited\"}")));
        for (UnaryOperator<CanonicalEvent> change : changes) {
            List<CanonicalEvent> events = new ArrayList<>(request());
            events.set(7, change.apply(events.get(7)));
            assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).isNull();
            byte[] encoded = codec.encodeBatch(events, raw);
            assertThat(encoded).isEqualTo(codec.generatedBatch(events, raw));
            assertThat(codec.decode(encoded).get(7)).isEqualTo(codec.decode(codec.encode(events.get(7), raw)).get(0));
        }
    }

    @Test
    void anEqualButSeparateEnvelopeBlockStillShares() {
        List<CanonicalEvent> events = new ArrayList<>(request());
        CanonicalEvent e = events.get(3);
        events.set(3, with(e, e.eventId(), e.type(), e.sessionId(), e.receivedAt(), e.user().deepCopy(), e.payload(), e.tags()));
        assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).isEqualTo(codec.generatedBatch(events, raw));
    }

    private static CanonicalEvent with(CanonicalEvent e, String id, String type, String session, Instant received,
            JsonNode user, JsonNode payload, JsonNode tags) {
        return new CanonicalEvent(id, e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(), session,
                type, e.timestamp(), received, e.dialect(), user, e.device(), e.location(), payload, tags, e.custom());
    }

    /** The envelope as the codec writes it: the generated batch up to its events, closed. */
    private byte[] envelope(List<CanonicalEvent> events) {
        String generated = new String(codec.generatedBatch(events, raw), StandardCharsets.UTF_8);
        return (generated.substring(0, generated.indexOf(",\"events\":[")) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
