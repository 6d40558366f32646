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
        List<JsonNode> blocks = List.of(first.payload(), first.tags(), first.custom(), b.accepted().get(1).payload());
        for (JsonNode block : blocks) {
            RawJson raw = b.raw().get(block);
            assertThat(raw).as("raw bytes of %s", block).isNotNull();
            assertThat(UntrustedJson.mapper(1 << 20).readTree(raw.getValue())).isEqualTo(block);
        }
        assertThat(b.raw().get(first.payload()).getValue()).startsWith("{ \"label\"").endsWith("-1.50 }");
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
}
