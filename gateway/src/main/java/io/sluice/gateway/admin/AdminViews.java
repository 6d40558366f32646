package io.sluice.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** JSON shapes of the admin API. Keys are never shown after creation, only their prefix. */
public final class AdminViews {

    private AdminViews() {
    }

    public record ProjectView(
            String id,
            String name,
            String plan,
            @JsonProperty("monthly_event_quota") Long monthlyEventQuota,
            @JsonProperty("allowed_app_ids") List<String> allowedAppIds,
            @JsonProperty("default_app_id") String defaultAppId,
            @JsonProperty("events_dialect") String eventsDialect,
            /** Threshold overrides per scoring pattern (docs/scoring.md). */
            tools.jackson.databind.JsonNode scoring,
            /** Privacy policy (fields and their actions, consent flag); the salt is never shown. */
            tools.jackson.databind.JsonNode privacy,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("updated_at") Instant updatedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) UsageView usage) {
    }

    /** Accepted events this calendar month (UTC), as flushed by the gateways (about a second behind). */
    public record UsageView(String month, long events) {
    }

    public record RateLimitView(
            @JsonProperty("events_per_minute") int eventsPerMinute,
            int burst) {
    }

    public record KeyView(
            String id,
            @JsonProperty("project_id") String projectId,
            String name,
            String prefix,
            List<String> scopes,
            @JsonProperty("rate_limit") RateLimitView rateLimit,
            @JsonProperty("created_at") Instant createdAt,
            @JsonProperty("revoked_at") Instant revokedAt) {
    }

    /** The answer to key creation: the only time the secret is ever shown. */
    public record CreatedKeyView(
            String id,
            @JsonProperty("project_id") String projectId,
            String name,
            String prefix,
            List<String> scopes,
            @JsonProperty("rate_limit") RateLimitView rateLimit,
            @JsonProperty("created_at") Instant createdAt,
            String key) {
    }

    public record ProjectList(List<ProjectView> projects) {
    }

    public record KeyList(List<KeyView> keys) {
    }
}
