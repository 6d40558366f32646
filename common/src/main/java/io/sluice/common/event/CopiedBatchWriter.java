package io.sluice.common.event;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Writes the elements of a batch value as bytes, without a JSON generator, when every element is
 * what a CC request makes: its own id, type and time, everything else equal to the envelope, and
 * its payload, tags and custom blocks kept as the bytes they were sent as. Then an element is a
 * few ASCII fields around copied slices, and the value is sized exactly before it is written.
 * Driving Jackson's generator field by field was 8 % of the gateway's CPU on 50-event
 * batches (docs/benchmarks.md). The bytes are exactly those {@link EventCodec}'s generator writes
 * for the same batch (the codec checks that its mapper writes JSON this way before it uses this
 * writer); a batch that does not qualify is left to the generator.
 */
final class CopiedBatchWriter {

    private static final byte[] EVENTS = bytes(",\"events\":[");
    private static final byte[] EVENT_ID = bytes("{\"event_id\":\"");
    private static final byte[] TYPE = bytes("\",\"type\":\"");
    private static final byte[] TIMESTAMP = bytes("\",\"timestamp\":\"");
    private static final byte[] PAYLOAD = bytes("\",\"payload\":");
    private static final byte[] TAGS = bytes(",\"tags\":");
    private static final byte[] CUSTOM = bytes(",\"custom\":");

    private CopiedBatchWriter() {
    }

    /**
     * The batch value: the first event's envelope (a complete JSON object holding the version and
     * the envelope fields, made by {@code envelopes} once every element qualified) with the events
     * appended to it; or null when an element does not qualify.
     */
    static byte[] write(Function<CanonicalEvent, byte[]> envelopes, List<CanonicalEvent> events,
            Map<JsonNode, RawJson> raw) {
        CanonicalEvent head = events.get(0);
        int n = events.size();
        RawJson[] blocks = new RawJson[3 * n];
        byte[][] ids = new byte[n][];
        byte[][] types = new byte[n][];
        long size = EVENTS.length + n + 1;
        for (int i = 0; i < n; i++) {
            CanonicalEvent e = events.get(i);
            ids[i] = plainAsciiBytes(e.eventId());
            types[i] = plainAsciiBytes(e.type());
            if (!sharesEnvelope(e, head) || ids[i] == null || types[i] == null) {
                return null;
            }
            RawJson payload = EventCodec.asSent(e.payload(), raw);
            RawJson tags = EventCodec.asSent(e.tags(), raw);
            RawJson custom = EventCodec.asSent(e.custom(), raw);
            if (payload == null || (tags == null && present(e.tags())) || (custom == null && present(e.custom()))) {
                return null;
            }
            blocks[3 * i] = payload;
            blocks[3 * i + 1] = tags;
            blocks[3 * i + 2] = custom;
            size += (long) EVENT_ID.length + ids[i].length + TYPE.length + types[i].length + TIMESTAMP.length
                    + IsoTimestamps.formattedLength(e.timestamp()) + PAYLOAD.length + payload.length() + 1
                    + (tags == null ? 0 : TAGS.length + tags.length())
                    + (custom == null ? 0 : CUSTOM.length + custom.length());
        }
        byte[] envelope = envelopes.apply(head);
        size += envelope.length - 1;
        if (envelope.length == 0 || envelope[envelope.length - 1] != '}' || size > Integer.MAX_VALUE - 8) {
            return null;
        }
        byte[] out = new byte[(int) size];
        // The envelope object stays open: its closing brace is where the events go.
        System.arraycopy(envelope, 0, out, 0, envelope.length - 1);
        int at = put(out, envelope.length - 1, EVENTS);
        for (int i = 0; i < n; i++) {
            CanonicalEvent e = events.get(i);
            if (i > 0) {
                out[at++] = ',';
            }
            at = put(out, at, EVENT_ID);
            at = put(out, at, ids[i]);
            at = put(out, at, TYPE);
            at = put(out, at, types[i]);
            at = put(out, at, TIMESTAMP);
            at = IsoTimestamps.formatInto(e.timestamp(), out, at);
            at = put(out, at, PAYLOAD);
            at = blocks[3 * i].copyTo(out, at);
            if (blocks[3 * i + 1] != null) {
                at = put(out, at, TAGS);
                at = blocks[3 * i + 1].copyTo(out, at);
            }
            if (blocks[3 * i + 2] != null) {
                at = put(out, at, CUSTOM);
                at = blocks[3 * i + 2].copyTo(out, at);
            }
            out[at++] = '}';
        }
        out[at++] = ']';
        out[at++] = '}';
        if (at != out.length) {
            throw new IllegalStateException("batch sized " + out.length + " bytes, written " + at);
        }
        return out;
    }

    /** Every field but the element's own equals the envelope's, so the generator would write none of them. */
    private static boolean sharesEnvelope(CanonicalEvent e, CanonicalEvent head) {
        return Objects.equals(e.requestId(), head.requestId()) && e.projectId().equals(head.projectId())
                && e.appId().equals(head.appId()) && Objects.equals(e.platform(), head.platform())
                && Objects.equals(e.appVersion(), head.appVersion()) && Objects.equals(e.sessionId(), head.sessionId())
                && e.receivedAt().equals(head.receivedAt()) && Objects.equals(e.dialect(), head.dialect())
                && sameBlock(e.user(), head.user()) && sameBlock(e.device(), head.device())
                && sameBlock(e.location(), head.location());
    }

    private static boolean sameBlock(JsonNode value, JsonNode envelope) {
        return value == envelope || Objects.equals(value, envelope);
    }

    /**
     * The string's bytes when it is printable ASCII with no quote or backslash (written as is inside
     * a JSON string), else null. Encoding to ISO-8859-1 is a plain array copy for the strings we
     * meet (a {@code charAt} loop over them was 5 % of the gateway's CPU); a character beyond
     * Latin-1 comes out as {@code '?'}, so a question mark is refused too and such a string goes to
     * the generator.
     */
    private static byte[] plainAsciiBytes(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : bytes) {
            if (b < 0x20 || b == 0x7f || b == '"' || b == '\\' || b == '?') {
                return null;
            }
        }
        return bytes;
    }

    private static boolean present(JsonNode block) {
        return block != null && !block.isNull() && !block.isMissingNode();
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
