package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.event.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CopyRowsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void copyRowsEscapeSeparatorsAndMarkNulls() {
        CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a\tb\r", null, null, "s\\1\n", "click",
                Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"), "cc", null, null, null,
                json.readTree("{\"k\":\"tab\\there\"}"), null, null);
        String row = new String(TestCopyRows.of(List.of(e)), StandardCharsets.UTF_8);
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
        String row = new String(TestCopyRows.of(List.of(e)), StandardCharsets.UTF_8);
        assertThat(row).contains("s\uFFFD1").doesNotContain("\u0000");
        // The NUL inside JSON is replaced; an escaped backslash followed by the letters u0000 is text, kept.
        assertThat(json.readTree(unescape(row.split("\t", -1)[14])))
                .isEqualTo(json.readTree("{\"k\":\"a\uFFFDb\",\"l\":\"a\\\\u0000b\"}"));
    }

    @Test
    void jsonColumnsReadBackAsTheSameTrees() {
        String[] docs = {
            "{}", "{\"empty\":[]}", "{\"a\":[1,-2.5,1.0E300,12345678901234567890,0.1,true,false,null,\"\"]}",
            "{\"q\":\"say \\\"hi\\\"\",\"b\":\"back\\\\slash\",\"c\":\"tab\\t nl\\n cr\\r bs\\b ff\\f\"}",
            "{\"ctl\":\"\\u0001\\u001f\\u007f\",\"uni\":\"ünïcødé 日本 \\ud83d\\ude00\",\"k\\\"ey\\\\\":{\"n\":[[],[{}]]}}",
            "{\"deep\":{\"a\":{\"b\":{\"c\":[1,{\"d\":\"\\\\N\"}]}}}}",
        };
        for (String doc : docs) {
            var tree = json.readTree(doc);
            CanonicalEvent e = new CanonicalEvent("evt_1", null, "p", "a", null, null, null, "click", Instant.EPOCH,
                    Instant.EPOCH, "cc", tree, tree, tree, tree, tree, tree);
            String row = new String(TestCopyRows.of(List.of(e)), StandardCharsets.UTF_8);
            String[] cols = row.substring(0, row.length() - 1).split("\t", -1);
            assertThat(cols).hasSize(EventWriter.COLUMNS.length);
            for (int c = 11; c <= 16; c++) {
                assertThat(json.readTree(unescape(cols[c]))).as(doc).isEqualTo(tree);
            }
        }
    }

    private final EventCodec codec = new EventCodec();
    private final CopyRows rows = new CopyRows();

    @Test
    void batchElementsInheritTheEnvelopeUnlessTheyCarryTheFieldOrNull() {
        var user = json.readTree("{\"id\":\"u1\",\"plan\":\"pro\"}");
        var device = json.readTree("{\"os\":\"iOS\",\"os_version\":\"18.1\"}");
        Instant at = Instant.parse("2026-11-30T10:00:00.123456Z");
        CanonicalEvent head = new CanonicalEvent("evt_1", "req_1", "p", "a", "ios", "1.0", "s1", "crash", at,
                at.plusSeconds(1), "cc", user, device, null, json.readTree("{\"exception\":\"E\"}"), null, null);
        CanonicalEvent otherSession = new CanonicalEvent("evt_2", "req_1", "p", "a", "ios", "1.0", "s2", "click",
                at.plusMillis(5), at.plusSeconds(1), "cc", user, json.readTree("{\"os\":\"Android\"}"), null,
                json.readTree("{\"n\":[1,2.5,{\"x\":null}]}"), json.readTree("{\"t\":\"v\"}"), null);
        CanonicalEvent unset = new CanonicalEvent("evt_3", null, "p", "a", null, "1.0", null, "page_hit", at,
                at.plusSeconds(2), "cc", null, device, null, json.readTree("{}"), null, json.readTree("{\"c\":true}"));
        byte[] value = codec.encodeBatch(List.of(head, otherSession, unset));

        StringBuilder out = new StringBuilder("before\n");
        assertThat(rows.append(value, out)).isEqualTo(3);
        assertThat(out.toString()).startsWith("before\n");
        assertRowsMatchTheCodec(out.substring("before\n".length()), value);
    }

    @Test
    void anEnvelopeAfterTheEventsAndWhitespaceBetweenTokensReadTheSame() {
        String value = """
                {
                  "events" : [ {"event_id":"evt_a", "type":"click", "timestamp":"2026-11-30T10:00:00Z",
                                "payload": { "k" : [ 1 , "z" ] }, "unknown": {"deep":[1,{}]}},
                               {"event_id":"evt_b", "type":"crash", "timestamp":"2026-11-30T10:00:01+01:00",
                                "payload":{}, "user": null, "session_id": "\\u00e9\\t\\\\"} ],
                  "v": 1, "project_id": "p", "app_id": "a", "received_at": "2026-11-30T10:00:02Z",
                  "user": {"id": "ünï"}, "events_not": 5
                }""";
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        assertThat(rows.append(bytes, out)).isEqualTo(2);
        assertRowsMatchTheCodec(out.toString(), bytes);
    }

    @Test
    void refusesWhatTheCodecRefusesWithTheSameReasonAndWritesNothing() {
        String ok = "\"event_id\":\"e\",\"project_id\":\"p\",\"app_id\":\"a\",\"type\":\"t\","
                + "\"timestamp\":\"2026-11-30T10:00:00Z\",\"received_at\":\"2026-11-30T10:00:00Z\"";
        String[] bad = {
            "[]", "\"text\"", "{\"events\":{}}", "{\"events\":null}", "{\"events\":[1]}",
            "{" + ok + "}",
            "{" + ok + ",\"payload\":{},\"event_id\":5}",
            "{" + ok + ",\"payload\":{},\"user\":[1]}",
            "{" + ok + ",\"payload\":[]}",
            "{" + ok + ",\"payload\":{},\"timestamp\":\"yesterday\"}",
            "{" + ok + ",\"payload\":{},\"type\":null}",
            "{\"user\":7," + ok + ",\"events\":[{\"payload\":{}}]}",
            "{" + ok + ",\"events\":[{\"payload\":{}},{\"payload\":{},\"dialect\":false}]}",
            "{" + ok + ",\"payload\":{\"a\":}}",
        };
        for (String value : bad) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            Throwable expected = catchThrowable(() -> codec.decode(bytes));
            assertThat(expected).as(value).isInstanceOf(MalformedEventException.class);
            StringBuilder out = new StringBuilder("kept\n");
            assertThatThrownBy(() -> rows.append(bytes, out)).as(value)
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessage(expected.getMessage());
            assertThat(out.toString()).as(value).isEqualTo("kept\n");
        }
        // A wrong envelope field that every event overrides is never read, as in the codec.
        byte[] overridden = ("{\"user\":7," + ok + ",\"events\":[{\"payload\":{},\"user\":{\"id\":\"u\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        assertThat(rows.append(overridden, out)).isEqualTo(1);
        assertRowsMatchTheCodec(out.toString(), overridden);
        // Bytes that are not UTF-8 are refused, not stored as something else.
        byte[] notUtf8 = ("{" + ok + ",\"payload\":{\"s\":\"\u00ff\"}}").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> rows.append(notUtf8, new StringBuilder())).isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("not JSON");
    }

    /** Each row's columns hold what the codec decodes from the same value. */
    private void assertRowsMatchTheCodec(String copyText, byte[] value) {
        List<CanonicalEvent> events = codec.decode(value);
        String[] lines = copyText.split("\n", -1);
        assertThat(lines).hasSize(events.size() + 1);
        assertThat(lines[events.size()]).isEmpty();
        for (int i = 0; i < events.size(); i++) {
            CanonicalEvent e = events.get(i);
            String[] cols = lines[i].split("\t", -1);
            assertThat(cols).hasSize(EventWriter.COLUMNS.length);
            String[] text = {e.eventId(), e.timestamp().atOffset(ZoneOffset.UTC).toString(),
                e.receivedAt().atOffset(ZoneOffset.UTC).toString(), e.projectId(), e.appId(), e.platform(),
                e.appVersion(), e.sessionId(), e.type(), e.dialect(), e.requestId()};
            for (int c = 0; c < text.length; c++) {
                assertThat(cols[c]).as(EventWriter.COLUMNS[c]).isEqualTo(text[c] == null ? "\\N" : escape(text[c]));
            }
            JsonNode[] trees = {e.user(), e.device(), e.location(), e.payload(), e.tags(), e.custom()};
            for (int c = 0; c < trees.length; c++) {
                String col = cols[text.length + c];
                if (trees[c] == null) {
                    assertThat(col).as(EventWriter.COLUMNS[text.length + c]).isEqualTo("\\N");
                } else {
                    assertThat(json.readTree(unescape(col))).as(EventWriter.COLUMNS[text.length + c]).isEqualTo(trees[c]);
                }
            }
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
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
