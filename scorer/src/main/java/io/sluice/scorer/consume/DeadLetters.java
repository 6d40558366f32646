package io.sluice.scorer.consume;

import java.util.List;
import reactor.core.publisher.Mono;

/** Where records that cannot be decoded go, so they never stop a partition and are never lost. */
public interface DeadLetters {

    /** A record and why it was refused. */
    record DeadLetter(ConsumedRecord record, String reason) {
    }

    /** Completes once Kafka acknowledged every dead letter. */
    Mono<Void> publish(List<DeadLetter> letters);
}
