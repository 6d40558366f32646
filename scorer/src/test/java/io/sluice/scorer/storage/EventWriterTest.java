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
        CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a\tb", null, null, "s\\1\n", "click",
                Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"), "cc", null, null, null,
                json.readTree("{\"k\":\"tab\\there\"}"), null, null);
        String row = new String(CopyText.rows(List.of(e)), StandardCharsets.UTF_8);
        String[] cols = row.substring(0, row.length() - 1).split("\t", -1);
        assertThat(cols).hasSize(EventWriter.COLUMNS.length);
        assertThat(cols[0]).isEqualTo("evt_1");
        assertThat(cols[1]).isEqualTo("2026-11-23T10:00Z");
        assertThat(cols[4]).isEqualTo("a\\tb");
        assertThat(cols[5]).isEqualTo("\\N");
        assertThat(cols[7]).isEqualTo("s\\\\1\\n");
        assertThat(cols[14]).isEqualTo("{\"k\":\"tab\\\\there\"}");
        assertThat(row).endsWith("\\N\n");
    }

    @Test
    void nulCharactersWhichPostgresCannotStoreBecomeReplacementCharacters() {
        assertThat(CopyText.json(json.readTree("{\"k\":\"a\\u0000b\"}"))).isEqualTo("{\"k\":\"a\\ufffdb\"}");
        // An escaped backslash followed by the letters u0000 is text, not a NUL: kept.
        assertThat(CopyText.json(json.readTree("{\"k\":\"a\\\\u0000b\"}"))).isEqualTo("{\"k\":\"a\\\\u0000b\"}");
        CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a", null, null, "s\u00001", "click",
                Instant.EPOCH, Instant.EPOCH, "cc", null, null, null, json.readTree("{}"), null, null);
        assertThat(new String(CopyText.rows(List.of(e)), StandardCharsets.UTF_8)).contains("s\uFFFD1").doesNotContain("\u0000");
    }
}
