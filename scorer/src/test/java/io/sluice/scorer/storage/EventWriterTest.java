package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class EventWriterTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void copyRowsEscapeSeparatorsAndMarkNulls() {
        CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a\tb\r", null, null, "s\\1\n", "click",
                Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"), "cc", null, null, null,
                json.readTree("{\"k\":\"tab\\there\"}"), null, null);
        String row = new String(CopyText.rows(List.of(e)), StandardCharsets.UTF_8);
        String[] cols = row.substring(0, row.length() - 1).split("\t", -1);
        assertThat(cols).hasSize(EventWriter.COLUMNS.length);
        assertThat(cols[0]).isEqualTo("evt_1");
        assertThat(cols[1]).isEqualTo("2026-11-23T10:00Z");
        assertThat(cols[4]).isEqualTo("a\\tb\\r");
        assertThat(cols[5]).isEqualTo("\\N");
        assertThat(cols[7]).isEqualTo("s\\\\1\\n");
        assertThat(cols[14]).isEqualTo("{\"k\":\"tab\\\\there\"}");
        assertThat(row).endsWith("\\N\n");
    }

    @Test
    void nulCharactersWhichPostgresCannotStoreBecomeReplacementCharacters() {
        CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a", null, null, "s\u00001", "click",
                Instant.EPOCH, Instant.EPOCH, "cc", null, null, null, json.readTree("{\"k\":\"a\\u0000b\",\"l\":\"a\\\\u0000b\"}"),
                null, null);
        String row = new String(CopyText.rows(List.of(e)), StandardCharsets.UTF_8);
        assertThat(row).contains("s\uFFFD1").doesNotContain("\u0000");
        // The NUL inside JSON is replaced; an escaped backslash followed by the letters u0000 is text, kept.
        assertThat(json.readTree(unescape(row.split("\t", -1)[14])))
                .isEqualTo(json.readTree("{\"k\":\"a\uFFFDb\",\"l\":\"a\\\\u0000b\"}"));
    }

    @Test
    void jsonColumnsReadBackAsTheSameTrees() {
        String[] docs = {
            "{}", "[]", "{\"a\":[1,-2.5,1.0E300,12345678901234567890,0.1,true,false,null,\"\"]}",
            "{\"q\":\"say \\\"hi\\\"\",\"b\":\"back\\\\slash\",\"c\":\"tab\\t nl\\n cr\\r bs\\b ff\\f\"}",
            "{\"ctl\":\"\\u0001\\u001f\\u007f\",\"uni\":\"ünïcødé 日本 \\ud83d\\ude00\",\"k\\\"ey\\\\\":{\"n\":[[],[{}]]}}",
            "{\"deep\":{\"a\":{\"b\":{\"c\":[1,{\"d\":\"\\\\N\"}]}}}}",
        };
        for (String doc : docs) {
            var tree = json.readTree(doc);
            CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a", null, null, null, "click", Instant.EPOCH,
                    Instant.EPOCH, "cc", tree, tree, tree, tree, tree, tree);
            String row = new String(CopyText.rows(List.of(e)), StandardCharsets.UTF_8);
            String[] cols = row.substring(0, row.length() - 1).split("\t", -1);
            assertThat(cols).hasSize(EventWriter.COLUMNS.length);
            for (int c = 11; c <= 16; c++) {
                assertThat(json.readTree(unescape(cols[c]))).as(doc).isEqualTo(tree);
            }
        }
    }

    /** COPY text format's escapes, undone. */
    private static String unescape(String col) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < col.length(); i++) {
            char c = col.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = col.charAt(++i);
            out.append(switch (n) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> n;
            });
        }
        return out.toString();
    }
}
