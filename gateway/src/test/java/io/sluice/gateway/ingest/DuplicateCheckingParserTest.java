package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DuplicateCheckingParserTest {

    private final JsonMapper strict = UntrustedJson.mapper(1 << 20);
    private final JsonMapper streaming = UntrustedJson.streamingMapper(1 << 20);

    @Test
    void onlyTheStreamingMappersParsersAreWrapped() {
        byte[] doc = "{}".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = UntrustedJson.parser(streaming, doc); JsonParser q = UntrustedJson.parser(strict, doc)) {
            assertThat(p).isInstanceOf(DuplicateCheckingParser.class);
            assertThat(q).isNotInstanceOf(DuplicateCheckingParser.class);
        }
        // Without the wrapper the streaming mapper's parser lets a duplicate through: the wrapper is what refuses it.
        try (JsonParser bare = streaming.createParser("{\"a\":1,\"a\":2}")) {
            assertThat(streaming.readTree(bare).get("a").intValue()).isEqualTo(2);
        }
    }

    @Test
    void aDuplicateIsRefusedAtAnyDepthWithJacksonsMessage() {
        List<String> docs = List.of(
                "{\"a\":1,\"a\":2}",
                "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"b\":5}",
                "{\"x\":[{\"a\":1},{\"b\":{\"c\":[1,{\"d\":1,\"d\":2}]}}]}",
                "[{\"a\":1},{\"a\":1,\"z\":{},\"a\":3}]",
                // Past the scan limit: the names move into a set, the first and the latest are still checked.
                object(DuplicateCheckingParser.SCAN_LIMIT + 5, "k0"),
                object(DuplicateCheckingParser.SCAN_LIMIT, "k3"),
                object(3 * DuplicateCheckingParser.SCAN_LIMIT, "k" + (3 * DuplicateCheckingParser.SCAN_LIMIT - 1)));
        for (String doc : docs) {
            assertThatThrownBy(() -> readTree(streaming, doc)).as(doc).isInstanceOf(StreamReadException.class)
                    .satisfies(e -> assertThat(((JacksonException) e).getOriginalMessage())
                            .isEqualTo(strictRefusal(doc)).startsWith("Duplicate Object property \""));
        }
    }

    @Test
    void theSameNamesInSiblingAndNestedObjectsAreNoDuplicates() {
        String doc = "{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1,\"b\":2},{\"a\":1,\"b\":2}],\"c\":{\"a\":[],\"b\":{}},"
                + "\"d\":" + object(2 * DuplicateCheckingParser.SCAN_LIMIT, null) + ",\"e\":"
                + object(2 * DuplicateCheckingParser.SCAN_LIMIT, null) + "}";
        assertThat(readTree(streaming, doc)).isEqualTo(strict.readTree(doc));
    }

    @Test
    void everyWayOfAdvancingIsChecked() {
        String doc = "{\"o\":{\"a\":\"s\",\"b\":7,\"c\":true,\"a\":null}}";
        List<Consumer<JsonParser>> walks = List.of(
                p -> drain(p, JsonParser::nextToken),
                p -> drain(p, JsonParser::nextValue),
                p -> drain(p, q -> q.nextName() == null ? q.currentToken() : JsonToken.PROPERTY_NAME),
                p -> drain(p, q -> q.nextName(new SerializedString("a")) ? JsonToken.PROPERTY_NAME : q.currentToken()),
                p -> drain(p, q -> {
                    q.nextStringValue();
                    return q.currentToken();
                }),
                p -> drain(p, q -> {
                    q.nextIntValue(0);
                    return q.currentToken();
                }),
                p -> drain(p, q -> {
                    q.nextLongValue(0);
                    return q.currentToken();
                }),
                p -> drain(p, q -> {
                    q.nextBooleanValue();
                    return q.currentToken();
                }),
                p -> {
                    p.nextToken();
                    p.skipChildren();
                },
                p -> {
                    p.nextToken();
                    UntrustedJson.skipValue(p);
                },
                p -> p.readValueAsTree(),
                p -> p.readValueAs(Object.class));
        for (int i = 0; i < walks.size(); i++) {
            Consumer<JsonParser> walk = walks.get(i);
            try (JsonParser p = UntrustedJson.parser(streaming, doc.getBytes(StandardCharsets.UTF_8))) {
                assertThatThrownBy(() -> walk.accept(p)).as("walk " + i).isInstanceOf(StreamReadException.class)
                        .hasMessageContaining("Duplicate Object property \"a\"");
            }
        }
    }

    /**
     * Random documents, about half with a name repeated somewhere, read by random mixes of the
     * parser's methods: the wrapped parser refuses exactly what Jackson's own detection refuses,
     * with the same message, and otherwise reads the same tokens.
     */
    @Test
    void refusesExactlyWhatJacksonsDetectionRefuses() {
        Random random = new Random(20261201);
        int refused = 0;
        int documents = 3000;
        for (int d = 0; d < documents; d++) {
            String doc = value(random, 0);
            long seed = random.nextLong();
            String expected = walk(strict.createParser(doc), new Random(seed));
            String actual = walk(UntrustedJson.parser(streaming, doc.getBytes(StandardCharsets.UTF_8)), new Random(seed));
            assertThat(actual).as(doc).isEqualTo(expected);
            assertThat(readTreeOrRefusal(streaming, doc)).as(doc).isEqualTo(readTreeOrRefusal(strict, doc));
            refused += expected.startsWith("refused") ? 1 : 0;
        }
        // Both kinds of document are well represented.
        assertThat(refused).isBetween(documents / 4, documents * 3 / 4);
    }

    /** The tokens a random mix of methods reads, ending with the refusal if there is one. */
    private static String walk(JsonParser p, Random choices) {
        StringBuilder seen = new StringBuilder();
        try (p) {
            while (true) {
                JsonToken before = p.currentToken();
                int how = choices.nextInt(6);
                if (how == 0 && before != null && before.isStructStart()) {
                    p.skipChildren();
                } else if (how == 1) {
                    p.nextValue();
                } else if (how == 2) {
                    p.nextName();
                } else if (how == 3) {
                    p.nextStringValue();
                } else {
                    p.nextToken();
                }
                JsonToken t = p.currentToken();
                if (t == null || (t.isStructEnd() && p.streamReadContext().inRoot())) {
                    return seen.append(" end").toString();
                }
                seen.append(' ').append(t).append(t == JsonToken.PROPERTY_NAME ? p.currentName() : "");
            }
        } catch (JacksonException e) {
            return "refused: " + e.getOriginalMessage() + " after" + seen;
        }
    }

    private static String readTreeOrRefusal(JsonMapper mapper, String doc) {
        try {
            return readTree(mapper, doc).toString();
        } catch (JacksonException e) {
            return "refused: " + e.getOriginalMessage();
        }
    }

    /** Objects of 0 to 5 names, now and then 40; names from a small pool so that some repeat. */
    private static String value(Random r, int depth) {
        int kind = depth == 0 ? 4 : r.nextInt(depth >= 4 ? 4 : 7);
        return switch (kind) {
            case 0 -> String.valueOf(r.nextInt(1000) - 500);
            case 1 -> "\"v" + r.nextInt(5) + "\"";
            case 2 -> r.nextBoolean() ? "true" : "null";
            case 3 -> "1.5";
            case 4, 5 -> {
                int names = r.nextInt(12) == 0 ? 40 : r.nextInt(6);
                boolean repeats = r.nextInt(3) == 0;
                StringBuilder o = new StringBuilder("{");
                List<String> used = new ArrayList<>();
                for (int i = 0; i < names; i++) {
                    String name = repeats && !used.isEmpty() && r.nextInt(3) == 0
                            ? used.get(r.nextInt(used.size())) : "n" + i + (r.nextBoolean() ? "" : "x");
                    used.add(name);
                    o.append(i > 0 ? "," : "").append('"').append(name).append("\":").append(value(r, depth + 1));
                }
                yield o.append('}').toString();
            }
            default -> {
                StringBuilder a = new StringBuilder("[");
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.append(i > 0 ? "," : "").append(value(r, depth + 1));
                }
                yield a.append(']').toString();
            }
        };
    }

    /** An object of {@code names} names k0, k1, …, then {@code repeated} once more when not null. */
    private static String object(int names, String repeated) {
        StringBuilder o = new StringBuilder("{");
        for (int i = 0; i < names; i++) {
            o.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(i);
        }
        if (repeated != null) {
            o.append(",\"").append(repeated).append("\":0");
        }
        return o.append('}').toString();
    }

    private static JsonNode readTree(JsonMapper mapper, String doc) {
        try (JsonParser p = UntrustedJson.parser(mapper, doc.getBytes(StandardCharsets.UTF_8))) {
            return mapper.readTree(p);
        }
    }

    private String strictRefusal(String doc) {
        try {
            strict.readTree(doc);
            return null;
        } catch (JacksonException e) {
            return e.getOriginalMessage();
        }
    }

    private static void drain(JsonParser p, java.util.function.Function<JsonParser, JsonToken> step) {
        for (int i = 0; i < 100; i++) {
            if (step.apply(p) == null && p.currentToken() == null) {
                return;
            }
        }
    }
}
