package io.sluice.gateway.ingest.schema;

/**
 * A field that breaks its rule.
 *
 * @param field   path, e.g. {@code device.battery_level} or {@code events[2].payload.fps}
 * @param code    stable code: {@code required}, {@code invalid_type}, {@code out_of_range},
 *                {@code invalid_value}, {@code invalid_format}, {@code too_long}
 * @param message what is expected
 */
public record Violation(String field, String code, String message) {
}
