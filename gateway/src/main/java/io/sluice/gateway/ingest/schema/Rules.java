package io.sluice.gateway.ingest.schema;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The field rules the CC schema is made of. */
public final class Rules {

    /** Short identifiers, names and labels. */
    public static final int SHORT = 256;
    /** Free text such as stack traces and agent summaries. */
    public static final int TEXT = 16_384;

    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
            + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    private Rules() {
    }

    public static FieldRule required(FieldRule rule) {
        return new FieldRule() {
            @Override
            public Violation check(String field, JsonNode value) {
                return rule.check(field, value);
            }

            @Override
            public boolean required() {
                return true;
            }

            @Override
            public StreamedValue streamed() {
                return rule.streamed();
            }
        };
    }

    /** A rule whose valid values {@link BlockSchema#check} can also recognise on the parser. */
    private record Streamable(FieldRule rule, StreamedValue streamed) implements FieldRule {

        @Override
        public Violation check(String field, JsonNode value) {
            return rule.check(field, value);
        }
    }

    public static FieldRule string(int maxLength) {
        return new Streamable(stringOnly(maxLength), StreamedValue.string(maxLength));
    }

    private static FieldRule stringOnly(int maxLength) {
        return (field, v) -> {
            if (!v.isString()) {
                return new Violation(field, "invalid_type", field + " must be a string");
            }
            return v.stringValue().length() > maxLength
                    ? new Violation(field, "too_long", field + " must be at most " + maxLength + " characters")
                    : null;
        };
    }

    /** A string of 1 to {@code maxLength} characters. */
    public static FieldRule nonEmptyString(int maxLength) {
        FieldRule bounded = stringOnly(maxLength);
        return (field, v) -> {
            Violation tooLong = bounded.check(field, v);
            if (tooLong != null) {
                return tooLong;
            }
            return v.stringValue().isEmpty()
                    ? new Violation(field, "too_short", field + " must be 1 to " + maxLength + " characters") : null;
        };
    }

    public static FieldRule bool() {
        return new Streamable((field, v) -> v.isBoolean() ? null
                : new Violation(field, "invalid_type", field + " must be true or false"), StreamedValue.bool());
    }

    public static FieldRule object() {
        return (field, v) -> v.isObject() ? null : new Violation(field, "invalid_type", field + " must be an object");
    }

    /** An integer in [min, max]. */
    public static FieldRule integer(long min, long max) {
        return new Streamable((field, v) -> {
            if (!v.isIntegralNumber()) {
                return new Violation(field, "invalid_type", field + " must be an integer");
            }
            if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                return new Violation(field, "out_of_range", field + " must be between " + min + " and " + max);
            }
            return null;
        }, StreamedValue.integer(min, max));
    }

    /** A number in [min, max]. */
    public static FieldRule number(double min, double max) {
        return new Streamable((field, v) -> {
            if (!v.isNumber()) {
                return new Violation(field, "invalid_type", field + " must be a number");
            }
            double d = v.doubleValue();
            return d < min || d > max || Double.isNaN(d)
                    ? new Violation(field, "out_of_range", field + " must be between " + fmt(min) + " and " + fmt(max))
                    : null;
        }, StreamedValue.number(min, max));
    }

    /** A number greater than {@code min}. */
    public static FieldRule numberAbove(double min) {
        return new Streamable((field, v) -> {
            if (!v.isNumber()) {
                return new Violation(field, "invalid_type", field + " must be a number");
            }
            return v.doubleValue() > min && Double.isFinite(v.doubleValue()) ? null
                    : new Violation(field, "out_of_range", field + " must be greater than " + fmt(min));
        }, StreamedValue.numberAbove(min));
    }

    public static FieldRule oneOf(String... values) {
        Set<String> allowed = Set.of(values);
        String list = String.join(", ", new TreeSet<>(allowed));
        return (field, v) -> {
            if (!v.isString()) {
                return new Violation(field, "invalid_type", field + " must be a string");
            }
            return allowed.contains(v.stringValue()) ? null
                    : new Violation(field, "invalid_value", field + " must be one of " + list);
        };
    }

    public static FieldRule stringArray(int maxItems, int maxLength) {
        return (field, v) -> {
            if (!v.isArray()) {
                return new Violation(field, "invalid_type", field + " must be an array of strings");
            }
            if (v.size() > maxItems) {
                return new Violation(field, "too_long", field + " must have at most " + maxItems + " items");
            }
            for (JsonNode item : v) {
                if (!item.isString()) {
                    return new Violation(field, "invalid_type", field + " must be an array of strings");
                }
                if (item.stringValue().length() > maxLength) {
                    return new Violation(field, "too_long", field + " items must be at most " + maxLength + " characters");
                }
            }
            return null;
        };
    }

    /** ISO 8601 date-time with an offset. */
    public static FieldRule timestamp() {
        return format("an ISO 8601 timestamp with an offset, e.g. 2026-05-13T09:00:00Z", s -> {
            try {
                OffsetDateTime.parse(s);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        });
    }

    public static FieldRule semver() {
        return format("a semantic version such as 2.4.1", s -> s.length() <= 128 && SEMVER.matcher(s).matches());
    }

    public static FieldRule country() {
        return format("an ISO 3166-1 alpha-2 country code such as GB", s -> COUNTRY.matcher(s).matches());
    }

    public static FieldRule timezone() {
        return format("an IANA time zone such as Europe/London", ZONES::contains);
    }

    public static FieldRule ipAddress() {
        return format("an IPv4 or IPv6 address", IpAddresses::isValid);
    }

    private static FieldRule format(String expected, java.util.function.Predicate<String> valid) {
        return (field, v) -> {
            if (!v.isString()) {
                return new Violation(field, "invalid_type", field + " must be a string");
            }
            return v.stringValue().length() <= SHORT && valid.test(v.stringValue()) ? null
                    : new Violation(field, "invalid_format", field + " must be " + expected);
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
