package io.sluice.gateway.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Per-dialect ingest counters: {@code sluice_ingest_events_total{dialect,outcome}},
 * {@code sluice_ingest_rejected_events_total{dialect,code}} and
 * {@code sluice_ingest_bytes_total{dialect}}.
 */
@Component
public class IngestMetrics {

    private final MeterRegistry meters;

    public IngestMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void received(String dialect, int bytes) {
        meters.counter("sluice_ingest_bytes", "dialect", dialect).increment(bytes);
    }

    public void accepted(String dialect, int events) {
        meters.counter("sluice_ingest_events", "dialect", dialect, "outcome", "accepted").increment(events);
    }

    public void rejected(String dialect, String code) {
        meters.counter("sluice_ingest_events", "dialect", dialect, "outcome", "rejected").increment();
        meters.counter("sluice_ingest_rejected_events", "dialect", dialect, "code", code).increment();
    }
}
