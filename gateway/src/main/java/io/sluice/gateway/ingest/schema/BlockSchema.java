package io.sluice.gateway.ingest.schema;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The known fields of one JSON object and their rules. Fields it does not name are kept as sent;
 * JSON {@code null} counts as absent.
 */
public final class BlockSchema {

    private final Map<String, FieldRule> fields;
    /** Each field's position in {@link #fields}, for {@link #check(JsonParser, ObjectMapper)}. */
    private final Map<String, Integer> positions = new HashMap<>();
    private final String[] names;
    private final FieldRule[] rules;
    /** Per field, what {@link #check} accepts without building a node (null: always builds one). */
    private final StreamedValue[] streamed;

    private BlockSchema(Map<String, FieldRule> fields) {
        if (fields.size() > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " fields per block");
        }
        this.fields = fields;
        this.names = fields.keySet().toArray(String[]::new);
        this.rules = fields.values().toArray(FieldRule[]::new);
        this.streamed = new StreamedValue[rules.length];
        for (int i = 0; i < rules.length; i++) {
            streamed[i] = rules[i].streamed();
        }
        for (int i = 0; i < names.length; i++) {
            positions.put(names[i], i);
        }
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
                    out.add(missing(path(path, e.getKey())));
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

    /**
     * The first problem {@link #validate} would report (in field order), found while reading the
     * object the parser is at (its {@code START_OBJECT} is the current token) up to its
     * {@code END_OBJECT}, without building a tree of it; null when it is valid. A valid value of a
     * simple rule is recognised on the parser ({@link StreamedValue}); any other typed value becomes
     * a value node, for the same rule. Fields the schema does not name are read as trees and
     * dropped, so that every parser limit applies to them as before.
     */
    public Problem check(JsonParser p, ObjectMapper mapper) {
        Problem first = null;
        int firstAt = Integer.MAX_VALUE;
        long seen = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            Integer at = positions.get(name);
            if (at == null) {
                mapper.readTree(p);
                continue;
            }
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            seen |= 1L << at;
            // Most values are valid and of a simple type: no node for them (docs/benchmarks.md).
            StreamedValue simple = streamed[at];
            if (simple != null && simple.accepts(p, token)) {
                continue;
            }
            JsonNode value = valueNode(p, token, mapper);
            if (at < firstAt && rules[at].check(name, value) != null) {
                first = new Problem(name, rules[at], value);
                firstAt = at;
            }
        }
        for (int i = 0; i < firstAt && i < rules.length; i++) {
            if (rules[i].required() && (seen & (1L << i)) == 0) {
                return new Problem(names[i], rules[i], null);
            }
        }
        return first;
    }

    /** The node the mapper would read for the current value; scalars without a deserialization context. */
    private static JsonNode valueNode(JsonParser p, JsonToken token, ObjectMapper mapper) {
        JsonNodeFactory nodes = mapper.getNodeFactory();
        return switch (token) {
            case VALUE_STRING -> nodes.stringNode(p.getString());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            // Through the mapper's factory, which refuses literals that overflow to infinity.
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            default -> mapper.readTree(p);
        };
    }

    /**
     * A problem found by {@link #check}: which field, and the value that failed (null when a
     * required field is missing). The violation is built once the block's path is known.
     */
    public record Problem(String name, FieldRule rule, JsonNode value) {

        public Violation at(String blockPath) {
            String field = path(blockPath, name);
            return value == null ? missing(field) : rule.check(field, value);
        }
    }

    private static Violation missing(String field) {
        return new Violation(field, "required", field + " is required");
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
