package io.sluice.gateway.quota;

import java.time.LocalDate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Monthly event counts per project in {@code project_usage}. */
@Repository
public class UsageRepository {

    private final DatabaseClient db;

    public UsageRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Long> total(String projectId, LocalDate month) {
        return db.sql("SELECT events FROM project_usage WHERE project_id = $1 AND month = $2")
                .bind(0, projectId).bind(1, month)
                .map(row -> row.get(0, Long.class))
                .first()
                .defaultIfEmpty(0L);
    }

    /** Adds {@code delta} (may be negative) and returns the new total across all replicas. */
    public Mono<Long> add(String projectId, LocalDate month, long delta) {
        return db.sql("""
                INSERT INTO project_usage (project_id, month, events) VALUES ($1, $2, $3)
                ON CONFLICT (project_id, month) DO UPDATE SET events = project_usage.events + EXCLUDED.events
                RETURNING events""")
                .bind(0, projectId).bind(1, month).bind(2, delta)
                .map(row -> row.get(0, Long.class))
                .one();
    }
}
