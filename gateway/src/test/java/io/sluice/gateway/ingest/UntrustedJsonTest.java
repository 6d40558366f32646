package io.sluice.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

class UntrustedJsonTest {

    private final JsonMapper mapper = UntrustedJson.mapper(1 << 20);

    /** What reading the value after {@code "v":} into a tree throws, or null. */
    private Class<?> treeRefusal(String value) {
        return refusal(value, p -> mapper.readTree(p));
    }

    private Class<?> skipRefusal(String value) {
        return refusal(value, UntrustedJson::skipValue);
    }

    private Class<?> refusal(String value, java.util.function.Consumer<JsonParser> read) {
        byte[] doc = ("{\"v\":" + value + ",\"after\":true}").getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = mapper.createParser(doc)) {
            p.nextToken();
            p.nextToken();
            p.nextToken();
            read.accept(p);
            // Left at the value's last token: the next one is the name after it.
            assertThat(p.nextToken()).as(value).isEqualTo(JsonToken.PROPERTY_NAME);
            assertThat(p.currentName()).isEqualTo("after");
            return null;
        } catch (JacksonException e) {
            return e.getClass();
        }
    }

    @Test
    void skippingAValueRefusesExactlyWhatReadingItIntoATreeRefuses() {
        String deep = "[".repeat(UntrustedJson.MAX_NESTING_DEPTH) + "]".repeat(UntrustedJson.MAX_NESTING_DEPTH);
        List<String> values = List.of(
                "1", "-2.5e3", "\"s\"", "true", "null", "{}", "[]", "{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\"}",
                "1e308", "1e99999", "-1e99999", "[1,2,1e400]",
                "\"" + "s".repeat(UntrustedJson.MAX_STRING_LENGTH) + "\"",
                "\"" + "s".repeat(UntrustedJson.MAX_STRING_LENGTH + 1) + "\"",
                "{\"k\":\"" + "é".repeat(UntrustedJson.MAX_STRING_LENGTH / 2 + 1) + "\"}",
                "1" + "0".repeat(UntrustedJson.MAX_NUMBER_LENGTH - 1), "1" + "0".repeat(UntrustedJson.MAX_NUMBER_LENGTH),
                "[" + deep + "]", "[[" + deep + "]]",
                "{\"a\":1,\"a\":2}", "{\"o\":{\"a\":1,\"b\":2,\"c\":3,\"a\":4}}", "[1,]", "{\"a\"}", "NaN", "'x'");
        int refusedByTree = 0;
        for (String value : values) {
            Class<?> tree = treeRefusal(value);
            assertThat(skipRefusal(value)).as(value.length() > 80 ? value.substring(0, 80) + "…" : value).isEqualTo(tree);
            refusedByTree += tree == null ? 0 : 1;
        }
        // The list exercises both sides: values each way accepts and refuses.
        assertThat(refusedByTree).isBetween(8, values.size() - 8);
    }

    @Test
    void aBodyThatEndsInsideTheValueIsRefused() {
        for (String doc : List.of("{\"v\":[1,2", "{\"v\":{\"a\":{\"b\":\"c", "{\"v\":[{}")) {
            try (JsonParser p = mapper.createParser(doc.getBytes(StandardCharsets.UTF_8))) {
                p.nextToken();
                p.nextToken();
                p.nextToken();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> UntrustedJson.skipValue(p)).as(doc)
                        .isInstanceOf(JacksonException.class);
            }
        }
    }
}
