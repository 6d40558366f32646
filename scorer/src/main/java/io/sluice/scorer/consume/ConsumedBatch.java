package io.sluice.scorer.consume;

import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The records of one poll, in partition order, and the way to commit them. Call {@link #commit()}
 * only after everything they carry is durable.
 */
public record ConsumedBatch(List<ConsumedRecord> records, Supplier<Mono<Void>> committer) {

    public Mono<Void> commit() {
        return committer.get();
    }
}
