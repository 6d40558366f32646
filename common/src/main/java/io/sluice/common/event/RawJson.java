package io.sluice.common.event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.util.RawValue;

/**
 * A JSON value exactly as a client sent it: a slice of the request body. {@link EventCodec} copies
 * it into a record instead of serializing the tree read from it again (re-serializing payload,
 * tags and custom blocks was an eighth of the gateway's sampled Java CPU). Only for a tree that was not changed
 * after it was read; the bytes must be one complete, valid JSON value.
 */
public final class RawJson implements SerializableString {

    private final byte[] source;
    private final int offset;
    private final int length;

    public RawJson(byte[] source, int offset, int length) {
        if (offset < 0 || length <= 0 || offset + length > source.length) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " outside " + source.length + " bytes");
        }
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    public int length() {
        return length;
    }

    /** Copies the bytes into {@code out} at {@code at}; returns the index after them. */
    public int copyTo(byte[] out, int at) {
        System.arraycopy(source, offset, out, at, length);
        return at + length;
    }

    /**
     * A node standing for these bytes: it writes as them wherever it is written, and it is not an
     * object node (nothing reads fields from it). For a block checked while it streamed past and
     * never built into a tree.
     */
    public JsonNode node(JsonNodeFactory nodes) {
        return nodes.rawValueNode(new RawValue(this));
    }

    /** The bytes {@code node} stands for when {@link #node} made it; otherwise null. */
    public static RawJson of(JsonNode node) {
        return node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue value
                && value.rawValue() instanceof RawJson bytes ? bytes : null;
    }

    /** The bytes read into a tree, for the rare reader that needs fields of a block kept as sent. */
    public JsonNode readTree(ObjectMapper mapper) {
        return mapper.readTree(source, offset, length);
    }

    @Override
    public String getValue() {
        return new String(source, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOfRange(source, offset, offset + length);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
        if (at + length > buffer.length) {
            return -1;
        }
        System.arraycopy(source, offset, buffer, at, length);
        return length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(source, offset, length);
        return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (length > buffer.remaining()) {
            return -1;
        }
        buffer.put(source, offset, length);
        return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int at) {
        String s = getValue();
        if (at + s.length() > buffer.length) {
            return -1;
        }
        s.getChars(0, s.length(), buffer, at);
        return s.length();
    }

    // The quoted forms (the value as the content of a JSON string literal) are part of the
    // interface; nothing in Sluice writes raw JSON as a string, so they go through Jackson's own
    // implementation rather than fast paths of ours.

    @Override
    public char[] asQuotedChars() {
        return quoted().asQuotedChars();
    }

    @Override
    public byte[] asQuotedUTF8() {
        return quoted().asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int at) {
        return quoted().appendQuotedUTF8(buffer, at);
    }

    @Override
    public int appendQuoted(char[] buffer, int at) {
        return quoted().appendQuoted(buffer, at);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return quoted().writeQuotedUTF8(out);
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
        return quoted().putQuotedUTF8(buffer);
    }

    private SerializedString quoted() {
        return new SerializedString(getValue());
    }

    @Override
    public String toString() {
        return getValue();
    }
}
