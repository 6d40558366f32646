package io.sluice.gateway.ingest;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.TreeNode;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.sym.PropertyNameMatcher;
import tools.jackson.core.type.ResolvedType;
import tools.jackson.core.type.TypeReference;
import tools.jackson.core.util.JsonParserDelegate;

/**
 * Refuses an object that names a property twice, at any depth, with the error and message of
 * Jackson's {@code STRICT_DUPLICATE_DETECTION}, for a parser that has that feature off. Jackson
 * builds a hash set for every object of three or more names, which was 5 % of the gateway's CPU
 * on 50-event batches (docs/benchmarks.md); here a name's hash is compared with the hashes of the
 * names before it in its object (the parser hands out canonical strings, whose hashes are computed
 * once), and a set is built only for an object of more than {@link #SCAN_LIMIT} names. The arrays
 * are reused from object to object.
 *
 * <p>Every token passes through {@link #nextToken()}, whichever method a reader advances with
 * (skipping and tree reading included), so no object escapes the check. Not thread-safe, like the
 * parser it wraps.
 */
final class DuplicateCheckingParser extends JsonParserDelegate {

    /** Names an object may have before its names go into a hash set instead of being scanned. */
    static final int SCAN_LIMIT = 16;

    /**
     * The names of the open objects, outermost first, each with its hash (cached in the string):
     * the innermost object's names run from {@code starts[depth]} to {@code top}.
     */
    private String[] names = new String[64];
    private int[] hashes = new int[64];
    private int top;
    private int[] starts = new int[16];
    /** Per open object, the set that replaced the scan once it had more than SCAN_LIMIT names. */
    @SuppressWarnings("unchecked")
    private Set<String>[] sets = new Set[16];
    private int depth = -1;

    DuplicateCheckingParser(JsonParser parser) {
        super(parser);
    }

    @Override
    public JsonToken nextToken() {
        JsonToken t = delegate.nextToken();
        if (t == JsonToken.PROPERTY_NAME) {
            checkName(delegate.currentName());
        } else if (t == JsonToken.START_OBJECT) {
            open();
        } else if (t == JsonToken.END_OBJECT) {
            top = starts[depth];
            sets[depth] = null;
            depth--;
        }
        return t;
    }

    private void open() {
        depth++;
        if (depth == starts.length) {
            starts = Arrays.copyOf(starts, depth * 2);
            sets = Arrays.copyOf(sets, depth * 2);
        }
        starts[depth] = top;
    }

    private void checkName(String name) {
        Set<String> set = sets[depth];
        if (set != null) {
            if (!set.add(name)) {
                throw duplicate(name);
            }
            return;
        }
        int h = name.hashCode();
        int from = starts[depth];
        for (int i = from; i < top; i++) {
            if (hashes[i] == h && names[i].equals(name)) {
                throw duplicate(name);
            }
        }
        if (top - from < SCAN_LIMIT) {
            if (top == names.length) {
                names = Arrays.copyOf(names, top * 2);
                hashes = Arrays.copyOf(hashes, top * 2);
            }
            names[top] = name;
            hashes[top++] = h;
            return;
        }
        set = new HashSet<>(4 * SCAN_LIMIT);
        for (int i = from; i < top; i++) {
            set.add(names[i]);
        }
        set.add(name);
        sets[depth] = set;
    }

    private StreamReadException duplicate(String name) {
        return new StreamReadException(delegate, "Duplicate Object property \"" + name + "\"");
    }

    // Every other way to advance goes through nextToken(), so that the check sees each token.

    @Override
    public JsonToken nextValue() {
        JsonToken t = nextToken();
        return t == JsonToken.PROPERTY_NAME ? nextToken() : t;
    }

    @Override
    public String nextName() {
        return nextToken() == JsonToken.PROPERTY_NAME ? delegate.currentName() : null;
    }

    @Override
    public boolean nextName(SerializableString expected) {
        return nextToken() == JsonToken.PROPERTY_NAME && expected.getValue().equals(delegate.currentName());
    }

    @Override
    public int nextNameMatch(PropertyNameMatcher matcher) {
        String name = nextName();
        if (name != null) {
            return matcher.matchName(name);
        }
        return delegate.currentToken() == JsonToken.END_OBJECT ? PropertyNameMatcher.MATCH_END_OBJECT
                : PropertyNameMatcher.MATCH_ODD_TOKEN;
    }

    @Override
    public String nextStringValue() {
        return nextToken() == JsonToken.VALUE_STRING ? delegate.getString() : null;
    }

    @Override
    public int nextIntValue(int defaultValue) {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? delegate.getIntValue() : defaultValue;
    }

    @Override
    public long nextLongValue(long defaultValue) {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? delegate.getLongValue() : defaultValue;
    }

    @Override
    public Boolean nextBooleanValue() {
        JsonToken t = nextToken();
        return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
    }

    @Override
    public JsonParser skipChildren() {
        JsonToken t = delegate.currentToken();
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return this;
        }
        int open = 1;
        while (true) {
            t = nextToken();
            if (t == null) {
                return this;
            }
            if (t.isStructStart()) {
                open++;
            } else if (t.isStructEnd() && --open == 0) {
                return this;
            }
        }
    }

    // Reading a value or tree through this parser, not the one it wraps.

    @Override
    public <T> T readValueAs(Class<T> type) {
        return objectReadContext().readValue(this, type);
    }

    @Override
    public <T> T readValueAs(TypeReference<T> type) {
        return objectReadContext().readValue(this, type);
    }

    @Override
    public <T> T readValueAs(ResolvedType type) {
        return objectReadContext().readValue(this, type);
    }

    @Override
    public <T extends TreeNode> T readValueAsTree() {
        return objectReadContext().readTree(this);
    }
}
