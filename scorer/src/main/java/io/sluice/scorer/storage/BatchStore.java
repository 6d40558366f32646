package io.sluice.scorer.storage;

import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Stores one batch in one transaction: the events (skipping ones already stored) and what the
 * newly stored ones add to signals, agent reports, sessions and rollups (see {@link EventWriter}).
 * A replayed batch inserts no event and so derives nothing twice; a failed batch leaves nothing.
 */
public class BatchStore {

    private final EventWriter events;
    private final TransactionalOperator tx;

    public BatchStore(EventWriter events, TransactionalOperator tx) {
        this.events = events;
        this.tx = tx;
    }

    /** Emits how many of the staged events were new. */
    public Mono<Integer> store(EventWriter.Staged staged) {
        return events.write(staged).as(tx::transactional);
    }
}
