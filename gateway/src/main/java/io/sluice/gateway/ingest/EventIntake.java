package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.event.RawJson;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.enrich.Enrichment;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.kafka.EventPublisher;
import io.sluice.gateway.kafka.KafkaProperties;
import io.sluice.gateway.kafka.PublishException;
import io.sluice.gateway.privacy.PiiAudit;
import io.sluice.gateway.privacy.PrivacyPolicy;
import io.sluice.gateway.quota.PlanQuota;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The last step every dialect shares: enrich, apply the project's privacy policy, reserve plan quota,
 * write the canonical events to Kafka and
 * complete only after Kafka acknowledged them. On failure the quota is given back and nothing is
 * counted as accepted.
 */
@Component
public class EventIntake {

    private final EventPublisher publisher;
    private final EventCodec codec = new EventCodec();
    private final KafkaProperties kafka;
    private final IngestMetrics metrics;
    private final PlanQuota quota;

    private final PiiAudit audit;
    private final Enrichment enrichment;

    public EventIntake(EventPublisher publisher, KafkaProperties kafka, IngestMetrics metrics, PlanQuota quota,
            PiiAudit audit, Enrichment enrichment) {
        this.audit = audit;
        this.enrichment = enrichment;
        this.publisher = publisher;
        this.kafka = kafka;
        this.metrics = metrics;
        this.quota = quota;
    }

    /** Completes once every event is acknowledged by Kafka; errors are {@link ApiException}s. */
    public Mono<Void> store(ApiPrincipal principal, String dialect, List<CanonicalEvent> events) {
        return store(principal, dialect, events, Map.of());
    }

    /**
     * {@link #store(ApiPrincipal, String, List)}; blocks in {@code raw} (by identity) that enrichment
     * and the privacy policy left as they were go to Kafka as the client sent them.
     */
    public Mono<Void> store(ApiPrincipal principal, String dialect, List<CanonicalEvent> events,
            Map<JsonNode, RawJson> raw) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        // Enrichment, then the project's privacy policy, before anything is serialized for Kafka.
        return enrichment.apply(events).flatMap(enriched -> {
            PrivacyPolicy.Applied applied = principal.privacy().apply(enriched);
            return quota.reserve(principal, events.size())
                    .flatMap(r -> publisher.publish(KafkaRecords.of(applied.events(), kafka.granularity(), codec, raw))
                            .doOnError(e -> r.release())
                            .onErrorMap(PublishException.class, this::toApiException))
                    .then(Mono.fromRunnable(() -> {
                        metrics.accepted(dialect, events.size());
                        audit.record(principal.projectId(), applied.present());
                    }));
        });
    }

    private ApiException toApiException(PublishException e) {
        if (e.recordTooLarge()) {
            return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "record_too_large",
                    "The request's events exceed the largest Kafka record ("
                            + kafka.maxRecordBytes() + " bytes); send fewer events per request.", List.of(), null);
        }
        return ApiException.unavailable("kafka_unavailable",
                "Events could not be stored right now (" + e.getMessage() + "); nothing was accepted, retry later.",
                kafka.retryAfter().toSeconds());
    }
}
