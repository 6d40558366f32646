package io.sluice.gateway.ingest.schema;

import tools.jackson.databind.JsonNode;

/** The type and bounds of one field. JSON {@code null} counts as absent. */
public interface FieldRule {

    /** Null when {@code value} (never null or JSON null) is valid; else the code and message. */
    Violation check(String field, JsonNode value);

    default boolean required() {
        return false;
    }

    /** What {@link BlockSchema#check} may accept from the parser without a node; null: always build one. */
    default StreamedValue streamed() {
        return null;
    }
}
