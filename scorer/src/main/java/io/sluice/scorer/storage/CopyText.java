package io.sluice.scorer.storage;

import io.sluice.common.event.MalformedEventException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * PostgreSQL COPY text (tab-separated, {@code \N} for null, backslash escapes) for the values
 * {@link CopyRows} writes.
 *
 * <p>PostgreSQL cannot store the NUL character in {@code text} or {@code jsonb} (a JSON
 * {@code \u0000} escape is refused). Such a batch would fail forever and stop its partition, so
 * NUL becomes U+FFFD (the replacement character) here, in text and inside JSON strings; nothing
 * else is changed.
 */
final class CopyText {

    private CopyText() {
    }

    /**
     * Writes the parser's current value (at its first token) as compact JSON that is already
     * escaped for COPY, in one pass, and leaves the parser at the value's last token: serializing
     * and then escaping the text for COPY was a third of the scorer's CPU. Strings are decoded and
     * written again (so NUL can be replaced); numbers keep the text they came with.
     */
    static void json(StringBuilder sb, JsonParser p) {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                sb.append('{');
                boolean first = true;
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, p.currentName());
                    sb.append(':');
                    p.nextToken();
                    json(sb, p);
                }
                sb.append('}');
            }
            case START_ARRAY -> {
                sb.append('[');
                boolean first = true;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    json(sb, p);
                }
                sb.append(']');
            }
            case VALUE_STRING -> string(sb, p.getString());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> sb.append(p.getString());
            case VALUE_TRUE -> sb.append("true");
            case VALUE_FALSE -> sb.append("false");
            case VALUE_NULL -> sb.append("null");
            default -> throw new MalformedEventException("unexpected JSON token " + t);
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

    /** A text value, COPY-escaped; NUL, which PostgreSQL cannot store, becomes U+FFFD. */
    static void escaped(StringBuilder sb, String value) {
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
