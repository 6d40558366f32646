package io.sluice.gateway.ingest;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A JSON reader hardened for request bodies. Each limit is stated in the error that hits it. */
public final class UntrustedJson {

    public static final int MAX_NESTING_DEPTH = 32;
    public static final int MAX_STRING_LENGTH = 262_144;
    public static final int MAX_NUMBER_LENGTH = 64;

    private UntrustedJson() {
    }

    public static JsonMapper mapper(int maxDocumentBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxDocumentLength(maxDocumentBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // FAIL_ON_TRAILING_TOKENS (on by default in Jackson 3) is off: parsers stream the envelope
        // and check for trailing content themselves; the feature would reject every value read
        // mid-stream.
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .nodeFactory(new FiniteNumberNodeFactory())
                .build();
    }

    /**
     * Reads the value the parser is at (its first token is current) to its last token, building
     * nothing, and refuses what reading it into a tree with {@link #mapper} refuses: the parser
     * itself enforces nesting, names, duplicates and number lengths; strings are measured against
     * the string limit and floats must be finite ({@link FiniteNumberNodeFactory}) here.
     */
    public static void skipValue(JsonParser p) {
        int depth = 0;
        JsonToken token = p.currentToken();
        while (true) {
            if (token == null) {
                // The parser reports a body that ends inside a value itself; this is only a guard.
                throw new StreamReadException(p, "Unexpected end of input inside a value");
            }
            switch (token) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.streamReadConstraints().validateStringLength(p.getStringLength());
                case VALUE_NUMBER_FLOAT -> {
                    if (!Double.isFinite(p.getDoubleValue())) {
                        throw new StreamConstraintsException("a number is outside the range of a 64-bit float");
                    }
                }
                default -> {
                }
            }
            if (depth == 0) {
                return;
            }
            token = p.nextToken();
        }
    }
}
