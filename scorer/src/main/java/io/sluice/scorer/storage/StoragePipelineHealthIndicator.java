package io.sluice.scorer.storage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the storage pipeline: DOWN from a failure that ended it (it restarts by itself
 * with a back-off) until it stores a poll again. Write retries while PostgreSQL is away do not
 * count: the {@code r2dbc} indicator reports those.
 */
public class StoragePipelineHealthIndicator implements HealthIndicator {

    private final EventIngestor ingestor;

    public StoragePipelineHealthIndicator(EventIngestor ingestor) {
        this.ingestor = ingestor;
    }

    @Override
    public Health health() {
        return ingestor.failure()
                .map(e -> Health.down().withDetail("failure", e.getClass().getName()).build())
                .orElseGet(() -> Health.up().build());
    }
}
