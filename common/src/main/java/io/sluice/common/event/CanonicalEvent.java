package io.sluice.common.event;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One event in the one shape every dialect is normalized into. Nothing downstream of the gateway
 * knows which wire format an event arrived in except through {@link #dialect()}, which is kept for
 * auditing only.
 *
 * <p>The JSON form on Kafka is documented field by field in {@code common/README.md}; the JSON
 * names are the snake_case names given on each component below.
 *
 * @param eventId    {@code event_id}: {@code evt_…} id assigned by the gateway, unique and stable
 *                   across replays (the scorer's idempotency key).
 * @param requestId  {@code request_id}: {@code req_…} of the HTTP request that carried the event.
 * @param projectId  {@code project_id}: the project of the API key that sent it (tenant boundary).
 * @param appId      {@code app_id}: the client's app identifier.
 * @param platform   {@code platform}: {@code ios}, {@code android}, {@code react-native},
 *                   {@code web} or {@code unknown}.
 * @param appVersion {@code app_version}: release string, may be null.
 * @param sessionId  {@code session_id}: client session id, may be null.
 * @param type       {@code type}: event type, e.g. {@code crash}, {@code page_hit}.
 * @param timestamp  {@code timestamp}: when the event happened (client clock).
 * @param receivedAt {@code received_at}: when the gateway received the request (server clock).
 * @param dialect    {@code dialect}: the wire format it arrived in, see {@link Dialect}.
 * @param user       {@code user}: user block as sent (object) or null.
 * @param device     {@code device}: device block as sent (object) or null.
 * @param location   {@code location}: location block as sent (object) or null.
 * @param payload    {@code payload}: type-specific data (object), never null.
 * @param tags       {@code tags}: string key-value metadata (object) or null.
 * @param custom     {@code custom}: free-form object or null.
 */
public record CanonicalEvent(
        String eventId,
        String requestId,
        String projectId,
        String appId,
        String platform,
        String appVersion,
        String sessionId,
        String type,
        Instant timestamp,
        Instant receivedAt,
        String dialect,
        JsonNode user,
        JsonNode device,
        JsonNode location,
        JsonNode payload,
        JsonNode tags,
        JsonNode custom) {

    public CanonicalEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(payload, "payload");
    }
}
