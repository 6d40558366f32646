package io.sluice.gateway.ingest;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A JSON reader hardened for request bodies. Each limit is stated in the error that hits it. */
public final class UntrustedJson {

    public static final int MAX_NESTING_DEPTH = 32;
    public static final int MAX_STRING_LENGTH = 262_144;
    public static final int MAX_NUMBER_LENGTH = 64;

    private UntrustedJson() {
    }

    /**
     * A mapper whose parsers refuse duplicate names themselves (Jackson's
     * {@code STRICT_DUPLICATE_DETECTION}): for reading bytes straight into values or trees.
     */
    public static JsonMapper mapper(int maxDocumentBytes) {
        return mapper(maxDocumentBytes, true);
    }

    /**
     * A mapper for streaming readers: its parsers leave duplicate names to
     * {@link DuplicateCheckingParser}, so every parser must come from {@link #parser}. Cheaper on
     * batches (docs/benchmarks.md); never read bytes with it directly.
     */
    public static JsonMapper streamingMapper(int maxDocumentBytes) {
        return mapper(maxDocumentBytes, false);
    }

    /**
     * A parser over {@code body} that refuses duplicate names whichever mapper it comes from: one
     * of {@link #streamingMapper} is wrapped in a {@link DuplicateCheckingParser}.
     */
    public static JsonParser parser(ObjectMapper mapper, byte[] body) {
        JsonParser p = mapper.createParser(body);
        return mapper.isEnabled(StreamReadFeature.STRICT_DUPLICATE_DETECTION) ? p : new DuplicateCheckingParser(p);
    }

    private static JsonMapper mapper(int maxDocumentBytes, boolean parserDetectsDuplicates) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxDocumentLength(maxDocumentBytes)
                        .build())
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, parserDetectsDuplicates)
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
