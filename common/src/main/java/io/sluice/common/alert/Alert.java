package io.sluice.common.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A scored alert as agents see it: the fields of {@code ../shared/api/cc-alerts.md} first, then
 * additions (dimension, timestamps of its lifecycle, the agent resolution). JSON names are the
 * snake_case names on each component. Shared by the scorer (which writes alerts and their change
 * log) and the gateway (which serves and streams them).
 *
 * @param id                {@code alt_…}
 * @param appId             the app the alert is about
 * @param severity          {@code critical} or {@code warning}
 * @param status            {@code open}, {@code acknowledged} or {@code resolved}
 * @param title             short headline, e.g. {@code Crash rate spike — iOS 18.1}
 * @param description       what happened, with the real numbers
 * @param signalIds         a sample of the signals that triggered it (newest first)
 * @param triggeredAt       event time of the window that first breached
 * @param pattern           e.g. {@code crash_rate_spike}
 * @param recommendedAction a sentence naming the exact API call to make next
 * @param score             0..1, magnitude and confidence
 * @param dimension         what the alert is about within the app, e.g. {@code os=ios 18.1}
 * @param needsHuman        an agent asked for a person
 * @param updatedAt         last change (server clock)
 * @param acknowledgedAt    when it was acknowledged, or null
 * @param resolvedAt        when it was resolved, or null
 * @param resolution        how it was resolved ({@code reason}: recovered, fixed, wont_fix,
 *                          manual; and the agent's root cause, fix, next action, confidence), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        String id,
        @JsonProperty("app_id") String appId,
        String severity,
        String status,
        String title,
        String description,
        @JsonProperty("signal_ids") List<String> signalIds,
        @JsonProperty("triggered_at") Instant triggeredAt,
        String pattern,
        @JsonProperty("recommended_action") String recommendedAction,
        double score,
        String dimension,
        @JsonProperty("needs_human") boolean needsHuman,
        @JsonProperty("updated_at") Instant updatedAt,
        @JsonProperty("acknowledged_at") Instant acknowledgedAt,
        @JsonProperty("resolved_at") Instant resolvedAt,
        JsonNode resolution) {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String RESOLVED = "resolved";
}
