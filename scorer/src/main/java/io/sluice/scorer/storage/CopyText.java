package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Canonical events as PostgreSQL COPY text rows (tab-separated, {@code \N} for null, backslash
 * escapes), columns in {@link EventWriter#COLUMNS} order.
 *
 * <p>PostgreSQL cannot store the NUL character in {@code text} or {@code jsonb} (a JSON
 * {@code \u0000} escape is refused). Such a batch would fail forever and stop its partition, so
 * NUL becomes U+FFFD (the replacement character) here, in text and inside JSON strings; nothing
 * else is changed.
 */
final class CopyText {

    private CopyText() {
    }

    static byte[] rows(List<CanonicalEvent> events) {
        StringBuilder sb = new StringBuilder(events.size() * 900);
        for (CanonicalEvent e : events) {
            field(sb, e.eventId(), false);
            field(sb, e.timestamp().atOffset(ZoneOffset.UTC).toString(), false);
            field(sb, e.receivedAt().atOffset(ZoneOffset.UTC).toString(), false);
            field(sb, e.projectId(), false);
            field(sb, e.appId(), false);
            field(sb, e.platform(), false);
            field(sb, e.appVersion(), false);
            field(sb, e.sessionId(), false);
            field(sb, e.type(), false);
            field(sb, e.dialect(), false);
            field(sb, e.requestId(), false);
            jsonField(sb, e.user(), false);
            jsonField(sb, e.device(), false);
            jsonField(sb, e.location(), false);
            jsonField(sb, e.payload(), false);
            jsonField(sb, e.tags(), false);
            jsonField(sb, e.custom(), true);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void jsonField(StringBuilder sb, JsonNode node, boolean last) {
        if (node == null) {
            sb.append("\\N");
        } else {
            json(sb, node);
        }
        sb.append(last ? '\n' : '\t');
    }

    /**
     * Writes a tree as compact JSON that is already escaped for COPY, in one pass: serializing
     * with Jackson and then escaping the text for COPY was a third of the scorer's CPU.
     */
    static void json(StringBuilder sb, JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> p : node.properties()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, p.getKey());
                    sb.append(':');
                    json(sb, p.getValue());
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    json(sb, node.get(i));
                }
                sb.append(']');
            }
            case STRING -> string(sb, node.stringValue());
            // Integer, Long, BigInteger, Double, Float and BigDecimal all print as JSON numbers.
            case NUMBER -> sb.append(node.numberValue().toString());
            case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
            case NULL -> sb.append("null");
            // Not produced by parsing JSON; written the slow, general way.
            default -> escaped(sb, node.toString());
        }
    }

    /**
     * A JSON string literal, COPY-escaped: JSON's escapes get their backslash doubled, and NUL,
     * which PostgreSQL cannot store, becomes U+FFFD.
     */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, from, i);
            from = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\\\"");
                case '\\' -> sb.append("\\\\\\\\");
                case '\n' -> sb.append("\\\\n");
                case '\t' -> sb.append("\\\\t");
                case '\r' -> sb.append("\\\\r");
                case '\b' -> sb.append("\\\\b");
                case '\f' -> sb.append("\\\\f");
                case 0 -> sb.append('\uFFFD');
                default -> sb.append("\\\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        sb.append(s, from, s.length()).append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void field(StringBuilder sb, String value, boolean last) {
        if (value == null) {
            sb.append("\\N");
        } else {
            escaped(sb, value);
        }
        sb.append(last ? '\n' : '\t');
    }

    private static void escaped(StringBuilder sb, String value) {
        // Runs without special characters (nearly all of every value) are copied in bulk.
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\0') {
                sb.append(value, from, i);
                switch (ch) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append('\uFFFD');
                }
                from = i + 1;
            }
        }
        sb.append(value, from, value.length());
    }
}
