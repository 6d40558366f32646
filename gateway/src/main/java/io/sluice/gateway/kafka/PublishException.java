package io.sluice.gateway.kafka;

/** Kafka did not acknowledge a record in time, or refused it. */
public class PublishException extends RuntimeException {

    private final boolean recordTooLarge;

    public PublishException(String message, Throwable cause, boolean recordTooLarge) {
        super(message, cause);
        this.recordTooLarge = recordTooLarge;
    }

    /** True when the record can never be written (larger than the broker accepts): a client error. */
    public boolean recordTooLarge() {
        return recordTooLarge;
    }
}
