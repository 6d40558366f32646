package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Canonical events as PostgreSQL COPY text rows (tab-separated, {@code \N} for null, backslash
 * escapes), columns in {@link EventWriter#COLUMNS} order.
 *
 * <p>PostgreSQL cannot store the NUL character in {@code text} or {@code jsonb} (a JSON
 * {@code \u0000} escape is refused). Such a batch would fail forever and stop its partition, so
 * NUL becomes U+FFFD (the replacement character) here; nothing else is changed.
 */
final class CopyText {

    private CopyText() {
    }

    static byte[] rows(List<CanonicalEvent> events) {
        StringBuilder sb = new StringBuilder(events.size() * 700);
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
            field(sb, json(e.user()), false);
            field(sb, json(e.device()), false);
            field(sb, json(e.location()), false);
            field(sb, json(e.payload()), false);
            field(sb, json(e.tags()), false);
            field(sb, json(e.custom()), true);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** JSON text with every {@code \u0000} escape (not an escaped backslash before "u0000") replaced. */
    static String json(JsonNode node) {
        if (node == null) {
            return null;
        }
        String s = node.toString();
        int at = s.indexOf("\\u0000");
        if (at < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                if (s.startsWith("\\u0000", i)) {
                    out.append("\\ufffd");
                } else {
                    out.append(s, i, i + 2);
                }
                i += s.startsWith("\\u0000", i) ? 6 : 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void field(StringBuilder sb, String value, boolean last) {
        if (value == null) {
            sb.append("\\N");
        } else {
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                switch (ch) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\0' -> sb.append('\uFFFD');
                    default -> sb.append(ch);
                }
            }
        }
        sb.append(last ? '\n' : '\t');
    }
}
