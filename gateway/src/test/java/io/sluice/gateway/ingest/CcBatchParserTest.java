package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        for (JsonNode block : List.of(first.tags(), first.custom())) {
            RawJson raw = b.raw().get(block);
            assertThat(raw).as("raw bytes of %s", block).isNotNull();
            assertThat(json.readTree(raw.getValue())).isEqualTo(block);
        }
        // Payloads were checked while streaming and never became trees: each is the bytes themselves,
        // and writes as them wherever it is serialized.
        for (CanonicalEvent e : b.accepted()) {
            RawJson raw = b.raw().get(e.payload());
            assertThat(raw).isNotNull();
            assertThat(json.writeValueAsString(e.payload())).isEqualTo(raw.getValue());
        }
        assertThat(b.raw().get(first.payload()).getValue())
                .isEqualTo("{ \"label\": \"b\\u00e9\", \"x\": 2e0, \"y\": -1.50 }");
        assertThat(json.readTree(b.raw().get(b.accepted().get(1).payload()).getValue())).isEqualTo(json.createObjectNode());
        // Only the event blocks: the envelope's user is written once per record from its tree.
        assertThat(b.raw()).hasSize(4);
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
        assertThat(b.raw().get(b.accepted().get(0).payload()).getValue()).isEqualTo("{\"x\":1,\"extra\":{\"k\":[true]}}");
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
}
