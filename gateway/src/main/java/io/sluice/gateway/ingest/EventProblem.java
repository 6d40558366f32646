package io.sluice.gateway.ingest;

/**
 * Why one event of a batch was rejected.
 *
 * @param index   position in the request's {@code events} array
 * @param field   path of the offending field, e.g. {@code events[2].timestamp}
 * @param code    stable machine-readable code, e.g. {@code invalid_timestamp}
 * @param message human-readable explanation
 */
public record EventProblem(int index, String field, String code, String message) {
}
