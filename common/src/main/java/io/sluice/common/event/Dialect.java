package io.sluice.common.event;

/** The wire formats Sluice accepts, as recorded in {@link CanonicalEvent#dialect()}. */
public final class Dialect {

    /** {@code POST /v1/ingest}: batches with a shared envelope. */
    public static final String CC = "cc";
    /** {@code POST /ingest}: one flat analytics event per request. */
    public static final String FLAT = "flat";
    /** {@code POST /api/v1/events} with {@code type}: CanaryHub batches. */
    public static final String CANARYHUB = "canaryhub";
    /** {@code POST /api/v1/events} with {@code event_type}: Trenchcoat agent sessions. */
    public static final String TRENCHCOAT = "trenchcoat";

    private Dialect() {
    }
}
