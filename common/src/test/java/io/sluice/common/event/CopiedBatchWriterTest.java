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
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.SerializationFeature;
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
                    received.minusNanos(new long[] {1_000_000_000L, 3_000_000L, 4_000L, 1_000_123L}[i % 4] * i), received, Dialect.CC, user, device, location, payload, tags, custom));
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
        JsonNode other = json.readTree("{\"id\":\"u2\"}");
        List<UnaryOperator<CanonicalEvent>> changes = List.of(
                e -> with(e, "request_id", "req_other"),
                e -> with(e, "project_id", "prj_other"),
                e -> with(e, "app_id", "other-app"),
                e -> with(e, "platform", null),
                e -> with(e, "app_version", "2.4.2"),
                e -> with(e, "session_id", "other-session"),
                e -> with(e, "received_at", e.receivedAt().plusMillis(1)),
                e -> with(e, "dialect", Dialect.FLAT),
                e -> with(e, "user", other),
                e -> with(e, "device", null),
                e -> with(e, "location", other),
                e -> with(e, "event_id", "evt_\u00e9"),
                e -> with(e, "event_id", "evt_\u007f"),
                // Beyond Latin-1, a lone surrogate: both encode as '?', which is refused itself.
                e -> with(e, "event_id", "evt_\u0141"),
                e -> with(e, "type", "page\ud800"),
                e -> with(e, "type", "page?hit"),
                e -> with(e, "type", "page\"hit"),
                e -> with(e, "type", "page\\hit"),
                e -> with(e, "type", "page\nhit"),
                // Blocks that are trees with no bytes behind them (a policy rewrote them).
                e -> with(e, "payload", json.readTree("{\"screen\":\"edited\"}")),
                e -> with(e, "tags", json.readTree("{\"k\":\"edited\"}")),
                e -> with(e, "custom", json.readTree("{\"c\":\"edited\"}")));
        for (UnaryOperator<CanonicalEvent> change : changes) {
            List<CanonicalEvent> events = new ArrayList<>(request());
            events.set(7, change.apply(events.get(7)));
            assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).as("%s", events.get(7)).isNull();
            assertThat(codec.decode(codec.encodeBatch(events, raw)).get(7))
                    .isEqualTo(codec.decode(codec.encode(events.get(7), raw)).get(0));
        }
    }

    @Test
    void anEqualButSeparateEnvelopeBlockStillShares() {
        List<CanonicalEvent> events = new ArrayList<>(request());
        events.set(3, with(events.get(3), "user", events.get(3).user().deepCopy()));
        assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).isNotNull()
                .isEqualTo(codec.generatedBatch(events, raw));
    }

    @Test
    void idsAndTypesOfAnyPrintableCharacterButQuoteBackslashAndQuestionMarkAreCopiedAsTheGeneratorWritesThem() {
        StringBuilder printable = new StringBuilder();
        for (char c = 0x20; c < 0x7f; c++) {
            if (c != '"' && c != '\\' && c != '?') {
                printable.append(c);
            }
        }
        List<CanonicalEvent> events = new ArrayList<>(request());
        events.set(0, with(events.get(0), "event_id", "evt_" + printable));
        events.set(1, with(events.get(1), "type", printable.toString()));
        assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).isNotNull()
                .isEqualTo(codec.generatedBatch(events, raw));
    }

    @Test
    void jsonNullTagsAndCustomAreLeftOutAsTheGeneratorLeavesThemOut() {
        List<CanonicalEvent> events = new ArrayList<>(request());
        events.set(2, with(with(events.get(2), "tags", json.nullNode()), "custom", json.missingNode()));
        byte[] copied = CopiedBatchWriter.write(head -> envelope(events), events, raw);
        assertThat(copied).isNotNull().isEqualTo(codec.generatedBatch(events, raw));
        assertThat(codec.decode(copied).get(2).tags()).isNull();
    }

    @Test
    void aCodecWhoseMapperWritesJsonDifferentlyLeavesEveryBatchToItsGenerator() {
        List<CanonicalEvent> events = new ArrayList<>(request());
        events.set(0, with(events.get(0), "event_id", "evt_a/b"));
        byte[] usual = codec.encodeBatch(events, raw);
        assertThat(codec.copies()).as("the default codec copies").isTrue();
        assertThat(CopiedBatchWriter.write(head -> envelope(events), events, raw)).isEqualTo(usual);
        for (JsonMapper mapper : List.of(JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES).build(),
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build())) {
            EventCodec other = new EventCodec(mapper);
            assertThat(other.copies()).isFalse();
            byte[] encoded = other.encodeBatch(events, raw);
            assertThat(encoded).isEqualTo(other.generatedBatch(events, raw)).isNotEqualTo(usual);
            assertThat(other.decode(encoded)).isEqualTo(codec.decode(usual));
        }
    }

    /** {@code e} with one field, named as on the wire, set to {@code value}. */
    private static CanonicalEvent with(CanonicalEvent e, String field, Object value) {
        String s = value instanceof String v ? v : null;
        JsonNode n = value instanceof JsonNode v ? v : null;
        return new CanonicalEvent(field.equals("event_id") ? s : e.eventId(), field.equals("request_id") ? s : e.requestId(),
                field.equals("project_id") ? s : e.projectId(), field.equals("app_id") ? s : e.appId(),
                field.equals("platform") ? s : e.platform(), field.equals("app_version") ? s : e.appVersion(),
                field.equals("session_id") ? s : e.sessionId(), field.equals("type") ? s : e.type(), e.timestamp(),
                field.equals("received_at") ? (Instant) value : e.receivedAt(), field.equals("dialect") ? s : e.dialect(),
                field.equals("user") ? n : e.user(), field.equals("device") ? n : e.device(),
                field.equals("location") ? n : e.location(), field.equals("payload") ? n : e.payload(),
                field.equals("tags") ? n : e.tags(), field.equals("custom") ? n : e.custom());
    }

    /** The envelope as the codec writes it: the generated batch up to its events, closed. */
    private byte[] envelope(List<CanonicalEvent> events) {
        String generated = new String(codec.generatedBatch(events, raw), StandardCharsets.UTF_8);
        return (generated.substring(0, generated.indexOf(",\"events\":[{\"event_id\":")) + "}").getBytes(StandardCharsets.UTF_8);
    }
}
