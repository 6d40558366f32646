package io.sluice.common.event;

/** A Kafka record value that is not a valid canonical event or batch (a poison record). */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
