package io.sluice.gateway.ingest.schema;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * What a simple rule (a bounded string, integer or number, a boolean) accepts straight from the
 * parser, so that {@link BlockSchema#check} need not build a node of a valid value. It only ever
 * says "valid": a value it does not accept (wrong type, out of bounds, a big or non-finite
 * number) is built into a node and given to the rule, which finds the problem as it always did.
 * One final class with a switch, rather than a method on each rule, so the call is not an
 * interface call through a dozen lambda classes.
 */
public final class StreamedValue {

    enum Kind { STRING, INTEGER, NUMBER, NUMBER_ABOVE, BOOLEAN }

    private final Kind kind;
    private final long maxLength;
    private final long minLong;
    private final long maxLong;
    private final double min;
    private final double max;

    private StreamedValue(Kind kind, long maxLength, long minLong, long maxLong, double min, double max) {
        this.kind = kind;
        this.maxLength = maxLength;
        this.minLong = minLong;
        this.maxLong = maxLong;
        this.min = min;
        this.max = max;
    }

    static StreamedValue string(int maxLength) {
        return new StreamedValue(Kind.STRING, maxLength, 0, 0, 0, 0);
    }

    static StreamedValue integer(long min, long max) {
        return new StreamedValue(Kind.INTEGER, 0, min, max, 0, 0);
    }

    static StreamedValue number(double min, double max) {
        return new StreamedValue(Kind.NUMBER, 0, 0, 0, min, max);
    }

    static StreamedValue numberAbove(double min) {
        return new StreamedValue(Kind.NUMBER_ABOVE, 0, 0, 0, min, 0);
    }

    static StreamedValue bool() {
        return new StreamedValue(Kind.BOOLEAN, 0, 0, 0, 0, 0);
    }

    /**
     * True when the parser's current value (a scalar of type {@code token}) is certainly valid.
     * A string is decoded (so malformed UTF-8 and the parser's string limit are caught as before)
     * but never made into a {@code String}.
     */
    boolean accepts(JsonParser p, JsonToken token) {
        return switch (kind) {
            case STRING -> {
                if (token != JsonToken.VALUE_STRING) {
                    yield false;
                }
                // Reading the length finishes the token: the parser checks its string limit there.
                yield p.getStringLength() <= maxLength;
            }
            case INTEGER -> {
                if (token != JsonToken.VALUE_NUMBER_INT || !fitsLong(p)) {
                    yield false;
                }
                long value = p.getLongValue();
                yield value >= minLong && value <= maxLong;
            }
            case NUMBER -> {
                double d = finite(p, token);
                yield d >= min && d <= max;
            }
            case NUMBER_ABOVE -> finite(p, token) > min;
            case BOOLEAN -> token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
        };
    }

    private static boolean fitsLong(JsonParser p) {
        JsonParser.NumberType type = p.getNumberType();
        return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
    }

    /** The value as a double, or NaN (which no bound accepts) for a non-number, a big integer or an overflow. */
    private static double finite(JsonParser p, JsonToken token) {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return fitsLong(p) ? p.getLongValue() : Double.NaN;
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return Double.isFinite(d) ? d : Double.NaN;
        }
        return Double.NaN;
    }
}
