package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import java.util.HashSet;
import java.util.List;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Stores one batch in one transaction: the events (skipping ones already stored), then what the
 * newly stored ones add to signals, agent reports, sessions and rollups. A replayed batch
 * inserts no event and so derives nothing twice; a failed batch leaves nothing behind.
 */
public class BatchStore {

    private final EventWriter events;
    private final DerivedWriter derived;
    private final TransactionalOperator tx;

    public BatchStore(EventWriter events, DerivedWriter derived, TransactionalOperator tx) {
        this.events = events;
        this.derived = derived;
        this.tx = tx;
    }

    /** Emits how many of the events were new. */
    public Mono<Integer> store(List<CanonicalEvent> batch) {
        if (batch.isEmpty()) {
            return Mono.just(0);
        }
        return events.write(batch)
                .collect(HashSet<String>::new, HashSet::add)
                .flatMap(inserted -> {
                    if (inserted.isEmpty()) {
                        return Mono.just(0);
                    }
                    List<CanonicalEvent> fresh = inserted.size() == batch.size() ? batch
                            : batch.stream().filter(e -> inserted.contains(e.eventId())).toList();
                    return derived.write(DerivedRecords.of(fresh)).thenReturn(fresh.size());
                })
                .as(tx::transactional);
    }
}
