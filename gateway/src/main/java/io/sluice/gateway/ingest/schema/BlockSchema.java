package io.sluice.gateway.ingest.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The known fields of one JSON object and their rules. Fields it does not name are kept as sent;
 * JSON {@code null} counts as absent.
 */
public final class BlockSchema {

    private final Map<String, FieldRule> fields;

    private BlockSchema(Map<String, FieldRule> fields) {
        this.fields = fields;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, FieldRule> fields() {
        return fields;
    }

    /**
     * Checks {@code object} (a JSON object) and adds what is wrong to {@code out}, at most
     * {@code limit} entries in all.
     */
    public void validate(JsonNode object, String path, List<Violation> out, int limit) {
        for (Map.Entry<String, FieldRule> e : fields.entrySet()) {
            if (out.size() >= limit) {
                return;
            }
            JsonNode value = object.get(e.getKey());
            if (value == null || value.isNull()) {
                if (e.getValue().required()) {
                    String field = path(path, e.getKey());
                    out.add(new Violation(field, "required", field + " is required"));
                }
                continue;
            }
            // The full path ("events[7].payload.fps") is built only for a violation: building it
            // for every valid field was a tenth of the gateway's allocation (docs/benchmarks.md).
            if (e.getValue().check(e.getKey(), value) != null) {
                out.add(e.getValue().check(path(path, e.getKey()), value));
            }
        }
    }

    private static String path(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public static final class Builder {
        private final Map<String, FieldRule> fields = new LinkedHashMap<>();

        public Builder field(String name, FieldRule rule) {
            fields.put(name, rule);
            return this;
        }

        public BlockSchema build() {
            return new BlockSchema(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
        }
    }
}
