package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import io.sluice.gateway.ingest.schema.BlockSchema;
import io.sluice.gateway.ingest.schema.CcSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every typed field of the CC contract gets a value of the wrong type, a value at
 * its boundary (accepted), a value just past it (rejected with the stated code), and no value.
 * Envelope blocks fail the whole request (400); event fields reject only their event.
 */
class CcFieldRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final CcBatchParser parser = CcBatchParser.create(
            IngestProperties.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

    /** where, field, at-boundary (ok), past-boundary, its code, wrong type, required. */
    static Stream<Arguments> rows() {
        return Stream.of(
                row("envelope", "app_id", q("a".repeat(128)), q("a".repeat(129)), "too_long", "42", true),
                row("envelope", "app_id", q("a"), q(""), "too_short", "[]", true),
                row("envelope", "platform", q("react-native"), q("symbian"), "invalid_value", "1", false),
                row("envelope", "app_version", q("2.4.1-beta.1+b7"), q("2.4"), "invalid_format", "2.4", false),
                row("envelope", "session_id", q("s".repeat(256)), q("s".repeat(257)), "too_long", "{}", false),
                row("user", "age", "0", "-1", "out_of_range", q("34"), false),
                row("user", "email", q("[email protected]"), q("e".repeat(255)), "too_long", "true", false),
                row("user", "created_at", q("2025-11-01T00:00:00+02:00"), q("2025-11-01"), "invalid_format", "20251101", false),
                row("user", "id", q("u".repeat(256)), q("u".repeat(257)), "too_long", "7", false),
                row("user", "custom", "{}", null, null, q("x"), false),
                row("device", "battery_level", "1", "1.01", "out_of_range", q("0.5"), false),
                row("device", "battery_level", "0", "-0.01", "out_of_range", "true", false),
                row("device", "screen_density", "0.01", "0", "out_of_range", q("3.0"), false),
                row("device", "screen_width", "100000", "100001", "out_of_range", "393.5", false),
                row("device", "low_power_mode", "false", null, null, q("false"), false),
                row("device", "user_agent", q("m".repeat(2048)), q("m".repeat(2049)), "too_long", "[]", false),
                row("location", "latitude", "-90", "-90.0001", "out_of_range", q("51.5"), false),
                row("location", "latitude", "90", "90.0001", "out_of_range", "null-free", false),
                row("location", "longitude", "180", "180.5", "out_of_range", q("-0.12"), false),
                row("location", "longitude", "-180", "-181", "out_of_range", "false", false),
                row("location", "accuracy_metres", "0", "-1", "out_of_range", q("500"), false),
                row("location", "ip_address", q("2001:db8::1"), q("256.1.1.1"), "invalid_format", "82", false),
                row("location", "ip_address", q("82.45.123.10"), q("1::2::3"), "invalid_format", "82", false),
                row("location", "country", q("GB"), q("gb"), "invalid_format", "44", false),
                row("location", "timezone", q("Europe/London"), q("Mars/Olympus"), "invalid_format", "0", false),
                row("crash", "fatal", "true", null, null, q("yes"), false),
                row("crash", "exception", q("E".repeat(256)), q("E".repeat(257)), "too_long", "1", false),
                row("crash", "stack_trace", q("s".repeat(16_384)), q("s".repeat(16_385)), "too_long", "{}", false),
                // Lengths count UTF-16 units, as String.length() does: a character beyond the BMP
                // (four bytes of UTF-8) is two of them, an escape one.
                row("crash", "exception", q("\uD83D\uDE00".repeat(128)), q("\uD83D\uDE00".repeat(128) + "x"), "too_long", "1", false),
                row("crash", "exception", q("\\u00e9".repeat(256)), q("\\u00e9".repeat(257)), "too_long", "1", false),
                row("crash", "exception", q("é".repeat(256)), q("é".repeat(257)), "too_long", "1", false),
                row("anr", "blocked_ms", "2147483647", "9223372036854775808", "out_of_range", "1e3", false),
                row("anr", "blocked_ms", "0", "-9223372036854775809", "out_of_range", "0.0", false),
                row("slow_render", "fps", "1000", "1000.0000001", "out_of_range", "\"1000\"", false),
                row("slow_render", "fps", "1e3", "1e308", "out_of_range", "null-free", false),
                row("click", "x", "-1000000000000", "-1000000000001", "out_of_range", "[1]", false),
                row("device", "screen_density", "1E-300", "-0.0", "out_of_range", "[]", false),
                row("anr", "blocked_ms", "0", "-1", "out_of_range", "6200.5", false),
                row("network_error", "status_code", "999", "1000", "out_of_range", q("503"), false),
                row("network_error", "latency_ms", "0", "-0.5", "out_of_range", q("4200"), false),
                row("network_error", "retries", "1000", "1001", "out_of_range", "2.5", false),
                row("slow_render", "fps", "0", "-1", "out_of_range", q("12"), false),
                row("slow_render", "jank_frames", "0", "-1", "out_of_range", "1.5", false),
                row("slow_render", "duration_ms", "0", "-1", "out_of_range", "[]", false),
                row("page_hit", "load_time_ms", "0", "-1", "out_of_range", q("fast"), false),
                row("page_hit", "is_first_visit", "true", null, null, "0", false),
                row("click", "x", "-1e12", "-1.1e12", "out_of_range", q("194"), false),
                row("click", "label", q("L".repeat(256)), q("L".repeat(257)), "too_long", "true", false),
                row("friction", "tap_count", "0", "-1", "out_of_range", q("6"), false),
                row("custom", "name", q("n".repeat(256)), q("n".repeat(257)), "too_long", "{}", false),
                row("agent_report", "agent_id", q("aa-monitor-v2"), q("a".repeat(257)), "too_long", "2", true),
                row("agent_report", "status", q("needs_human"), q("done"), "invalid_value", "true", true),
                row("agent_report", "summary", q("ok"), q("s".repeat(16_385)), "too_long", "[]", true),
                row("agent_report", "confidence", "1", "1.01", "out_of_range", q("0.9"), false),
                row("agent_report", "confidence", "0", "-0.01", "out_of_range", "[0.9]", false),
                row("agent_report", "signal_ids", "[\"sig_1\"]", "[\"sig_1\", 2]", "invalid_type", q("sig_1"), false),
                row("agent_report", "alert_ids", "[]", "[{}]", "invalid_type", "{}", false),
                row("event", "tags", "{\"k\":\"v\"}", "{\"k\":1}", "invalid_type", "[]", false),
                row("event", "custom", "{\"a\":[1]}", null, null, q("x"), false));
    }

    private static Arguments row(String where, String field, String ok, String bad, String badCode, String wrongType,
            boolean required) {
        return Arguments.of(where, field, ok, bad, badCode, wrongType.equals("null-free") ? "\"x\"" : wrongType, required);
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("rows")
    void eachFieldGetsWrongTypeBoundaryAndMissingValues(String where, String field, String ok, String bad,
            String badCode, String wrongType, boolean required) {
        assertAccepted(where, field, ok);
        if (bad != null) {
            assertRejected(where, field, bad, badCode);
        }
        assertRejected(where, field, wrongType, "invalid_type");
        if (required) {
            assertRejected(where, field, null, "required");
        } else {
            assertAccepted(where, field, null);
        }
    }

    private void assertAccepted(String where, String field, String value) {
        for (boolean payloadFirst : new boolean[] {false, true}) {
            ParsedBatch batch = parser.parse(body(where, field, value, payloadFirst), "p", "req_1", NOW);
            assertThat(batch.problems()).as("%s.%s = %s (payload first: %s)", where, field, value, payloadFirst)
                    .isEmpty();
            assertThat(batch.accepted()).hasSize(1);
        }
    }

    private void assertRejected(String where, String field, String value, String code) {
        String path = switch (where) {
            case "envelope" -> field;
            case "user", "device", "location" -> where + "." + field;
            case "event" -> "events[0]." + field;
            default -> "events[0].payload." + field;
        };
        if (isEnvelope(where)) {
            ApiException e = catchThrowableOfType(ApiException.class,
                    () -> parser.parse(body(where, field, value, false), "p", "req_1", NOW));
            assertThat(e).as("%s = %s must fail the request", path, value).isNotNull();
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.details()).anySatisfy(d -> {
                assertThat(d.field()).isEqualTo(path);
                assertThat(d.code()).isEqualTo(code);
            });
        } else {
            // A payload after its type is checked while streaming, one before it from a tree: same answer.
            List<EventProblem> answers = new ArrayList<>();
            for (boolean payloadFirst : new boolean[] {false, true}) {
                ParsedBatch batch = parser.parse(body(where, field, value, payloadFirst), "p", "req_1", NOW);
                assertThat(batch.accepted()).as("%s = %s must reject the event", path, value).isEmpty();
                assertThat(batch.problems()).singleElement().satisfies(p -> {
                    // The exact field, or a key inside it (e.g. events[0].tags.k).
                    assertThat(p.field().equals(path) || p.field().startsWith(path + ".")).as(p.field()).isTrue();
                    assertThat(p.code()).isEqualTo(code);
                    assertThat(p.index()).isZero();
                });
                answers.add(batch.problems().get(0));
            }
            assertThat(answers.get(1)).isEqualTo(answers.get(0));
        }
    }

    /**
     * A payload checked while it streams (after its type) recognises most valid values on the parser
     * without a node ({@code StreamedValue}); one before its type is read as a tree. On random
     * values near every typed payload field's bounds (lengths in UTF-16 units with multi-byte
     * characters and escapes, integers past 64 bits, floats that overflow) both give the same answer.
     */
    @Test
    void streamedAndTreeChecksOfPayloadsAgreeOnRandomValuesNearTheBounds() {
        Random random = new Random(26);
        int compared = 0;
        for (Map.Entry<String, BlockSchema> type : CcSchema.PAYLOADS.entrySet()) {
            for (String field : type.getValue().fields().keySet()) {
                for (int i = 0; i < 40; i++) {
                    String value = randomValue(random);
                    Object streamed = outcome(type.getKey(), field, value, false);
                    Object tree = outcome(type.getKey(), field, value, true);
                    assertThat(streamed).as("%s.%s = %s", type.getKey(), field, value).isEqualTo(tree);
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1000);
    }

    /** The problems of a one-event request, or the codes of the 400 it got. */
    private Object outcome(String type, String field, String value, boolean payloadFirst) {
        try {
            ParsedBatch batch = parser.parse(body(type, field, value, payloadFirst), "p", "req_1", NOW);
            return List.of(batch.accepted().size(), batch.problems());
        } catch (ApiException e) {
            return e.details().stream().map(d -> d.code() + " " + d.field()).toList();
        }
    }

    private static String randomValue(Random random) {
        return switch (random.nextInt(5)) {
            case 0, 1 -> {
                int[] lengths = {0, 1, 63, 64, 65, 255, 256, 257, 2047, 2048, 2049, 16_384, 16_385};
                int length = lengths[random.nextInt(lengths.length)];
                String[] pieces = {"a", "é", "\uD83D\uDE00", "\\u00e9", "\\n", "\\\"", "\u20AC"};
                StringBuilder b = new StringBuilder("\"");
                for (int units = 0; units < length; ) {
                    String piece = pieces[random.nextInt(pieces.length)];
                    b.append(piece);
                    units += piece.equals("\uD83D\uDE00") ? 2 : 1;
                }
                yield b.append('"').toString();
            }
            case 2 -> {
                String[] ints = {"-1", "0", "1", "150", "151", "999", "1000", "1001", "100000", "100001", "2147483647",
                    "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                    "123456789012345678901234567890"};
                yield ints[random.nextInt(ints.length)];
            }
            case 3 -> {
                String[] floats = {"0.0", "-0.0", "0.5", "1.0", "1.01", "-0.01", "1000.0", "1e3", "1E-400", "1e12",
                    "1.0000001e12", "-1e12", "-1.1e12", "1e308", "1e309", "-1e309", "90.0001", "0.000001"};
                yield floats[random.nextInt(floats.length)];
            }
            default -> {
                String[] others = {"true", "false", "null", "[]", "[1]", "{}", "{\"a\":1}", "[\"s\"]"};
                yield others[random.nextInt(others.length)];
            }
        };
    }

    private static boolean isEnvelope(String where) {
        return where.equals("envelope") || where.equals("user") || where.equals("device") || where.equals("location");
    }

    /**
     * A valid one-event request with {@code field} set to {@code value} (or left out when null);
     * the event's payload before its type when {@code payloadFirst}.
     */
    private static byte[] body(String where, String field, String value, boolean payloadFirst) {
        String set = value == null ? "" : "\"" + field + "\":" + value;
        String envelope = "\"app_id\":\"a\"";
        String user = "";
        String device = "";
        String location = "";
        String type = "click";
        String payload = "";
        String eventExtra = "";
        switch (where) {
            case "envelope" -> envelope = field.equals("app_id") ? set : envelope + (set.isEmpty() ? "" : "," + set);
            case "user" -> user = ",\"user\":{" + set + "}";
            case "device" -> device = ",\"device\":{" + set + "}";
            case "location" -> location = ",\"location\":{" + set + "}";
            case "event" -> eventExtra = set.isEmpty() ? "" : "," + set;
            default -> {
                type = where;
                payload = agentReportBase(where, field) + set;
            }
        }
        if (where.equals("agent_report") && payload.endsWith(",")) {
            payload = payload.substring(0, payload.length() - 1);
        }
        String head = envelope + user + device + location;
        head = head.startsWith(",") ? head.substring(1) : head;
        String typeAndTime = "\"type\":\"" + type + "\",\"timestamp\":\"2026-11-23T11:00:00Z\"";
        String payloadField = "\"payload\":{" + payload + "}";
        String event = payloadFirst ? payloadField + "," + typeAndTime : typeAndTime + "," + payloadField;
        String json = "{" + head + (head.isEmpty() ? "" : ",") + "\"events\":[{" + event + eventExtra + "}]}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** agent_report needs its three required fields; the one under test is left to the row. */
    private static String agentReportBase(String where, String field) {
        if (!where.equals("agent_report")) {
            return "";
        }
        StringBuilder base = new StringBuilder();
        if (!field.equals("agent_id")) {
            base.append("\"agent_id\":\"a\",");
        }
        if (!field.equals("status")) {
            base.append("\"status\":\"fixed\",");
        }
        if (!field.equals("summary")) {
            base.append("\"summary\":\"s\",");
        }
        return base.toString();
    }
}
