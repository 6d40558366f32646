package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.RawJson;
import io.sluice.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class CcBatchParserTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final CcBatchParser parser = CcBatchParser.create(
            new IngestProperties(null, 3, 512, null, null, 300, null, null, null, null), Clock.fixed(NOW, ZoneOffset.UTC));

    private ParsedBatch parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), "p", "req_1", NOW);
    }

    private static String event(String timestamp) {
        return "{\"type\":\"click\",\"timestamp\":\"" + timestamp + "\",\"payload\":{}}";
    }

    @Test
    void timestampsNeedAnOffsetAndMustLieWithinTheConfiguredWindow() {
        ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":[" + event("2026-11-24T11:59:59Z") + ","
                + event("2026-11-24T12:00:01Z") + "," + event("2026-11-23T12:00:00") + "]}");
        assertThat(b.accepted()).hasSize(1);
        assertThat(b.problems()).extracting(EventProblem::code)
                .containsExactly("timestamp_out_of_range", "invalid_timestamp");
        ParsedBatch old = parse("{\"app_id\":\"a\",\"events\":[" + event("2025-11-22T11:00:00Z") + ","
                + event("2025-11-23T13:00:00+01:00") + "]}");
        assertThat(old.problems()).extracting(EventProblem::index).containsExactly(0);
    }

    @Test
    void eachEventsPayloadTagsAndCustomAreSlicesOfTheBodyThatParseToTheSameTrees() {
        String body = "{\"app_id\":\"a\", \"user\": {\"id\": \"u\"}, \"events\": [\n"
                + " {\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\" : { \"label\": \"b\\u00e9\", \"x\": 2e0, \"y\": -1.50 },"
                + "  \"tags\":{\"k\":\"v\"}, \"custom\":{\"n\":{\"deep\":[true,null]}}},\n"
                + " {\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\":{}, \"tags\": null}\n"
                + "]}";
        ParsedBatch b = parse(body);
        assertThat(b.problems()).isEmpty();
        assertThat(b.accepted()).hasSize(2);
        CanonicalEvent first = b.accepted().get(0);
        ObjectMapper json = UntrustedJson.mapper(1 << 20);
        // Payloads, tags and custom objects were checked or read while streaming and never became
        // trees: each is the bytes themselves, and writes as them wherever it is serialized.
        assertThat(RawJson.of(first.tags()).getValue()).isEqualTo("{\"k\":\"v\"}");
        assertThat(RawJson.of(first.custom()).getValue()).isEqualTo("{\"n\":{\"deep\":[true,null]}}");
        assertThat(b.accepted().get(1).tags()).isNull();
        for (CanonicalEvent e : b.accepted()) {
            RawJson raw = RawJson.of(e.payload());
            assertThat(raw).isNotNull();
            assertThat(json.writeValueAsString(e.payload())).isEqualTo(raw.getValue());
        }
        assertThat(json.writeValueAsString(first.custom())).isEqualTo("{\"n\":{\"deep\":[true,null]}}");
        assertThat(RawJson.of(first.payload()).getValue())
                .isEqualTo("{ \"label\": \"b\\u00e9\", \"x\": 2e0, \"y\": -1.50 }");
        assertThat(json.readTree(RawJson.of(b.accepted().get(1).payload()).getValue())).isEqualTo(json.createObjectNode());
        // The identity map is left for trees: the envelope's user is written once per record from its tree.
        assertThat(b.raw()).isEmpty();
    }

    @Test
    void envelopeDefaultsAndEventCountLimit() {
        ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":[" + event("2026-11-23T11:00:00Z") + "]}");
        assertThat(b.accepted().get(0).platform()).isEqualTo("unknown");
        assertThat(b.accepted().get(0).sessionId()).isNull();
        assertThatThrownBy(() -> parse("{\"app_id\":\"a\",\"events\":[{},{},{},{}]}"))
                .isInstanceOf(ApiException.class).hasMessageContaining("limit 3");
    }

    @Test
    void envelopeBlocksAreCappedBecauseEveryEventCarriesThem() {
        String big = "x".repeat(200);
        assertThatThrownBy(() -> parse("{\"app_id\":\"a\",\"user\":{\"name\":\"" + big + "\",\"plan\":\"" + big
                + "\",\"id\":\"" + big + "\"},\"events\":["
                + event("2026-11-23T11:00:00Z") + "]}"))
                .isInstanceOf(ApiException.class).hasMessageContaining("limit is 512 bytes");
    }

    @Test
    void appIdLengthAndTypeAreChecked() {
        assertThatThrownBy(() -> parse("{\"app_id\":\"\",\"events\":[{}]}")).hasMessageContaining("1 to 128");
        assertThatThrownBy(() -> parse("{\"app_id\":\"" + "a".repeat(129) + "\",\"events\":[{}]}")).hasMessageContaining("at most 128");
        assertThatThrownBy(() -> parse("{\"app_id\":7,\"events\":[{}]}")).hasMessageContaining("must be a string");
        assertThat(parse("{\"app_id\":\"" + "a".repeat(128) + "\",\"events\":[" + event("2026-11-23T11:00:00Z") + "]}")
                .accepted()).hasSize(1);
    }

    @Test
    void anEventLargerThanTheLimitIsRejectedAlone() {
        String big = "{\"type\":\"custom\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\":{\"name\":\""
                + "n".repeat(250) + "\"}}";
        ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":[" + big + "," + event("2026-11-23T11:00:00Z") + "]}");
        assertThat(b.accepted()).hasSize(1);
        assertThat(b.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo("event_too_large");
            assertThat(p.message()).contains("limit is 300 bytes");
        });
    }

    @Test
    void tooManyEventsStopsReadingEarly() {
        // The fourth element is not even valid JSON: the limit is hit before it is parsed.
        assertThatThrownBy(() -> parse("{\"app_id\":\"a\",\"events\":[{},{},{},{\"x\":]}"))
                .isInstanceOf(ApiException.class).hasMessageContaining("limit 3");
    }

    @Test
    void creditsAreOnePerStartedHundredAcceptedEvents() {
        assertThat(IngestResponse.credits(0)).isZero();
        assertThat(IngestResponse.credits(1)).isEqualTo(1);
        assertThat(IngestResponse.credits(100)).isEqualTo(1);
        assertThat(IngestResponse.credits(101)).isEqualTo(2);
    }

    @Test
    void timestampsTheFastPathDoesNotRecognizeAreLeftToTheJdkParser() {
        assertThat(CcBatchParser.parseTimestamp("2026-05-13t09:00:00z"))
                .isEqualTo(java.time.OffsetDateTime.parse("2026-05-13t09:00:00z").toInstant());
        assertThat(CcBatchParser.parseTimestamp("2026-02-30T09:00:00Z")).isNull();
    }
    private static String agentReport(String payload, boolean payloadFirst) {
        String head = "\"type\":\"agent_report\",\"timestamp\":\"2026-11-23T11:00:00Z\"";
        String body = "\"payload\":" + payload;
        return "{" + (payloadFirst ? body + "," + head : head + "," + body) + "}";
    }

    @Test
    void aStreamedPayloadReportsTheFirstProblemInSchemaOrderLikeATreeDoes() {
        // status (second in the schema) is invalid and comes first in the body; agent_id (first) is
        // missing. Read as a tree the schema order decides: agent_id. Streaming must agree.
        for (boolean payloadFirst : new boolean[] {false, true}) {
            ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":["
                    + agentReport("{\"status\":\"done\",\"summary\":\"s\",\"agent_id\":null}", payloadFirst) + ","
                    + agentReport("{\"confidence\":7,\"status\":\"done\",\"agent_id\":\"a\",\"summary\":\"s\"}", payloadFirst)
                    + "]}");
            assertThat(b.problems()).as("payload first: %s", payloadFirst).extracting(EventProblem::field, EventProblem::code)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("events[0].payload.agent_id", "required"),
                            org.assertj.core.groups.Tuple.tuple("events[1].payload.status", "invalid_value"));
        }
    }

    @Test
    void fieldsTheSchemaDoesNotNameAreStillHeldToEveryParserLimit() {
        String unknownOverflow = "{\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\","
                + "\"payload\":{\"extra\":{\"deep\":[1e99999]}}}";
        assertThatThrownBy(() -> parse("{\"app_id\":\"a\",\"events\":[" + unknownOverflow + "]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
                        .extracting(ApiException.FieldProblem::code).containsExactly("json_limit_exceeded"));
        String duplicate = "{\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\","
                + "\"payload\":{\"x\":1,\"x\":2}}";
        assertThatThrownBy(() -> parse("{\"app_id\":\"a\",\"events\":[" + duplicate + "]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
                        .extracting(ApiException.FieldProblem::code).containsExactly("malformed_json"));
        // Unknown fields of the payload travel as sent; unknown fields of the event itself are dropped.
        ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":[{\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\","
                + "\"extra\":{\"a\":[1,2]},\"payload\":{\"x\":1,\"extra\":{\"k\":[true]}}}]}");
        assertThat(b.problems()).isEmpty();
        assertThat(RawJson.of(b.accepted().get(0).payload()).getValue()).isEqualTo("{\"x\":1,\"extra\":{\"k\":[true]}}");
    }

    @Test
    void elementsThatAreNotObjectsAndPayloadsThatAreNotObjectsAreRejectedAlone() {
        ParsedBatch b = parse("{\"app_id\":\"a\",\"events\":[7,{\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\","
                + "\"payload\":[1]}," + event("2026-11-23T11:00:00Z") + "]}");
        assertThat(b.accepted()).hasSize(1);
        assertThat(b.problems()).extracting(EventProblem::field, EventProblem::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple("events[0]", "invalid_type"),
                org.assertj.core.groups.Tuple.tuple("events[1].payload", "invalid_type"));
    }

    /** Default limits: room for 65 tags and long strings in one event. */
    private final CcBatchParser roomy = CcBatchParser.create(IngestProperties.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    private ParsedBatch withTagsAndCustom(String tags, String custom) {
        String event = "{\"type\":\"click\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\":{}"
                + (tags == null ? "" : ",\"tags\":" + tags) + (custom == null ? "" : ",\"custom\":" + custom) + "}";
        return roomy.parse(("{\"app_id\":\"a\",\"events\":[" + event + "]}").getBytes(StandardCharsets.UTF_8), "p", "req_1", NOW);
    }

    private static String tags(int n) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
        }
        return b.append('}').toString();
    }

    @Test
    void tagsCheckedWhileStreamingReportTheProblemAWholeObjectCheckFindsFirst() {
        String longKey = "k".repeat(CcBatchParser.MAX_TAG_KEY + 1);
        String longValue = "\"" + "v".repeat(CcBatchParser.MAX_TAG_VALUE + 1) + "\"";
        String[][] cases = {
            // tags, the field reported, its code ("-" for accepted)
            {tags(CcBatchParser.MAX_TAGS), "-", "-"},
            {"{\"" + "k".repeat(CcBatchParser.MAX_TAG_KEY) + "\":\"" + "v".repeat(CcBatchParser.MAX_TAG_VALUE) + "\"}", "-", "-"},
            {"{}", "-", "-"},
            // Too many wins over a bad tag, even one that comes first.
            {"{\"bad\":1," + tags(CcBatchParser.MAX_TAGS).substring(1), "events[0].tags", "too_long"},
            {"{\"a\":\"v\",\"b\":7,\"c\":" + longValue + "}", "events[0].tags.b", "invalid_type"},
            {"{\"a\":" + longValue + ",\"b\":7}", "events[0].tags.a", "too_long"},
            {"{\"" + longKey + "\":7}", "events[0].tags." + longKey, "too_long"},
            {"{\"n\":null}", "events[0].tags.n", "invalid_type"},
            {"{\"o\":{\"x\":\"y\"}}", "events[0].tags.o", "invalid_type"},
            {"{\"a\":[\"y\"]}", "events[0].tags.a", "invalid_type"},
            {"[\"a\"]", "events[0].tags", "invalid_type"},
            {"\"a\"", "events[0].tags", "invalid_type"},
            {"null", "-", "-"},
        };
        for (String[] c : cases) {
            ParsedBatch b = withTagsAndCustom(c[0], null);
            if (c[1].equals("-")) {
                assertThat(b.problems()).as(c[0]).isEmpty();
            } else {
                assertThat(b.problems()).as(c[0]).extracting(EventProblem::field, EventProblem::code)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(c[1], c[2]));
            }
        }
        assertThat(withTagsAndCustom("{\"a\":" + longValue + "}", null).problems()).singleElement()
                .extracting(EventProblem::message).isEqualTo("tag values must be at most 256 characters");
    }

    @Test
    void customWithoutPersonalDataStaysBytesAndWithItBecomesATreeForThePrivacyPolicy() {
        ParsedBatch plain = withTagsAndCustom(null, "{\"trace_id\":\"t\",\"email_opt_in\":null,\"flags\":[\"a\"]}");
        assertThat(plain.problems()).isEmpty();
        JsonNode custom = plain.accepted().get(0).custom();
        assertThat(RawJson.of(custom)).isNotNull();
        assertThat(custom.isObject()).isFalse();

        ParsedBatch personal = withTagsAndCustom(null, "{\"trace_id\":\"t\",\"contact_email\":\"a@b.c\"}");
        JsonNode tree = personal.accepted().get(0).custom();
        assertThat(tree.isObject()).isTrue();
        assertThat(tree.get("contact_email").stringValue()).isEqualTo("a@b.c");
        // Unchanged, it is still written as sent.
        assertThat(personal.raw().get(tree).getValue()).isEqualTo("{\"trace_id\":\"t\",\"contact_email\":\"a@b.c\"}");

        assertThat(withTagsAndCustom(null, "[1]").problems()).extracting(EventProblem::field, EventProblem::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("events[0].custom", "invalid_type"));
    }

    @Test
    void tagsAndCustomReadWithoutTreesAreStillHeldToEveryParserLimit() {
        String deep = "[".repeat(UntrustedJson.MAX_NESTING_DEPTH + 1) + "]".repeat(UntrustedJson.MAX_NESTING_DEPTH + 1);
        String[][] refused = {
            {null, "{\"x\":{\"deep\":[1e99999]}}", "json_limit_exceeded"},
            {null, "{\"x\":-1e99999}", "json_limit_exceeded"},
            {null, "{\"x\":" + deep + "}", "json_limit_exceeded"},
            {null, "{\"x\":\"" + "s".repeat(UntrustedJson.MAX_STRING_LENGTH + 1) + "\"}", "json_limit_exceeded"},
            {null, "{\"x\":1" + "0".repeat(UntrustedJson.MAX_NUMBER_LENGTH + 1) + "}", "json_limit_exceeded"},
            {null, "{\"x\":1,\"x\":2}", "malformed_json"},
            {null, "{\"x\":{\"y\":1,\"y\":2}}", "malformed_json"},
            {null, "{\"x\":[1,]}", "malformed_json"},
            {null, "{\"x\":[1}", "malformed_json"},
            {"{\"x\":{\"deep\":[1e99999]}}", null, "json_limit_exceeded"},
            {"{\"x\":\"" + "s".repeat(UntrustedJson.MAX_STRING_LENGTH + 1) + "\"}", null, "json_limit_exceeded"},
            {"{\"x\":\"a\",\"x\":\"b\"}", null, "malformed_json"},
        };
        for (String[] c : refused) {
            assertThatThrownBy(() -> withTagsAndCustom(c[0], c[1])).as("tags %s, custom %s", c[0], c[1])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
                            .extracting(ApiException.FieldProblem::code).containsExactly(c[2]));
        }
    }

    /** Typed payload fields whose valid values are never built into nodes still meet every parser limit. */
    @Test
    void typedPayloadValuesReadWithoutNodesAreStillHeldToEveryParserLimit() {
        String[][] refused = {
            {"click", "{\"label\":\"" + "s".repeat(UntrustedJson.MAX_STRING_LENGTH + 1) + "\"}", "json_limit_exceeded"},
            {"crash", "{\"stack_trace\":\"" + "\\n".repeat(UntrustedJson.MAX_STRING_LENGTH + 1) + "\"}", "json_limit_exceeded"},
            {"click", "{\"x\":1e99999}", "json_limit_exceeded"},
            {"click", "{\"y\":-1e99999}", "json_limit_exceeded"},
            {"friction", "{\"tap_count\":1" + "0".repeat(UntrustedJson.MAX_NUMBER_LENGTH + 1) + "}", "json_limit_exceeded"},
            {"crash", "{\"exception\":\"\\x\"}", "malformed_json"},
            {"crash", "{\"exception\":\"a\u0001b\"}", "malformed_json"},
        };
        for (String[] c : refused) {
            String event = "{\"type\":\"" + c[0] + "\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\":" + c[1] + "}";
            byte[] body = ("{\"app_id\":\"a\",\"events\":[" + event + "]}").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> roomy.parse(body, "p", "req_1", NOW)).as("%s payload %.60s", c[0], c[1])
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
                            .extracting(ApiException.FieldProblem::code).containsExactly(c[2]));
        }
        // Invalid UTF-8 in a string that is only measured, never made into a String.
        byte[] head = "{\"app_id\":\"a\",\"events\":[{\"type\":\"crash\",\"timestamp\":\"2026-11-23T11:00:00Z\",\"payload\":{\"exception\":\"a".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xC3;
        body[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        assertThatThrownBy(() -> roomy.parse(body, "p", "req_1", NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.details())
                        .extracting(ApiException.FieldProblem::code).containsExactly("malformed_json"));
    }

    /**
     * The parser leaves duplicate names to {@link DuplicateCheckingParser}: wherever a name repeats
     * in a CC body, the answer is the one a parser with Jackson's own detection gives.
     */
    @Test
    void aRepeatedNameAnywhereInTheBodyIsRefusedAsJacksonsDetectionRefusesIt() {
        IngestProperties limits = new IngestProperties(null, 3, 512, null, null, 300, null, null, null, null);
        CcBatchParser strict = new CcBatchParser(UntrustedJson.mapper(1 << 20), limits, Clock.fixed(NOW, ZoneOffset.UTC));
        String ts = "\"timestamp\":\"2026-11-23T11:00:00Z\"";
        List<String> bodies = List.of(
                "{\"app_id\":\"a\",\"app_id\":\"b\",\"events\":[" + event("2026-11-23T11:00:00Z") + "]}",
                "{\"app_id\":\"a\",\"user\":{\"id\":\"u\",\"plan\":\"p\",\"id\":\"v\"},\"events\":[" + event("2026-11-23T11:00:00Z") + "]}",
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"type\":\"click\",\"payload\":{}}]}",
                // Checked while streaming (type first), and read as a tree (payload first).
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"payload\":{\"label\":\"x\",\"label\":\"y\"}}]}",
                "{\"app_id\":\"a\",\"events\":[{\"payload\":{\"o\":{\"a\":1,\"b\":2,\"a\":3}},\"type\":\"click\"," + ts + "}]}",
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"payload\":{\"o\":[{\"a\":1},{\"a\":1,\"a\":2}]}}]}",
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"payload\":{},\"tags\":{\"k\":\"v\",\"j\":\"w\",\"k\":\"x\"}}]}",
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"payload\":{},\"custom\":{\"n\":{\"deep\":{\"d\":1,\"d\":2}}}}]}",
                "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\"," + ts + ",\"payload\":{},\"extra\":{\"e\":1,\"e\":2}}]}",
                "{\"app_id\":\"a\",\"events\":[" + event("2026-11-23T11:00:00Z") + ",[{\"a\":1,\"a\":1}]]}");
        for (String body : bodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ApiException expected = catchThrowableOfType(ApiException.class, () -> strict.parse(bytes, "p", "r", NOW));
            assertThat(expected).as(body).isNotNull();
            assertThatThrownBy(() -> parser.parse(bytes, "p", "r", NOW)).as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.getMessage()).startsWith("Malformed JSON: Duplicate Object property")
                                .isEqualTo(expected.getMessage());
                        assertThat(e.details()).isEqualTo(expected.details());
                    });
        }
        // The same names in different events, blocks and levels are no duplicates.
        String fine = "{\"app_id\":\"a\",\"user\":{\"id\":\"u\"},\"device\":{\"id\":\"d\"},\"events\":["
                + "{\"type\":\"click\"," + ts + ",\"payload\":{\"label\":\"x\"},\"tags\":{\"label\":\"x\"},"
                + "\"custom\":{\"label\":{\"label\":1}}},{\"type\":\"click\"," + ts + ",\"payload\":{\"label\":\"x\"}}]}";
        assertThat(parse(fine).accepted()).hasSize(2);
    }
}
