package io.sluice.gateway.ingest;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
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
}
