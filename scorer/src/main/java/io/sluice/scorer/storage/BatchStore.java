package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import java.util.List;
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

    /** Encodes a batch for {@link #store(EventWriter.Staged)}: CPU work, for a worker thread. */
    public EventWriter.Staged stage(List<CanonicalEvent> batch) {
        return events.stage(batch);
    }

    /** Emits how many of the staged events were new. */
    public Mono<Integer> store(EventWriter.Staged staged) {
        return events.write(staged).as(tx::transactional);
    }
}
