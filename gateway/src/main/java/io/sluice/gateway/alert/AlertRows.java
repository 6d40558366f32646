package io.sluice.gateway.alert;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.sluice.common.alert.Alert;
import io.sluice.common.alert.AlertChange;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Maps {@code alerts} and {@code alert_changes} rows to the shared alert model. */
final class AlertRows {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private AlertRows() {
    }

    static Alert alert(Readable row) {
        String[] signals = row.get("signal_ids", String[].class);
        Json resolution = row.get("resolution", Json.class);
        String kind = row.get("dimension_kind", String.class);
        return new Alert(row.get("alert_id", String.class), row.get("app_id", String.class),
                row.get("severity", String.class), row.get("status", String.class), row.get("title", String.class),
                row.get("description", String.class), signals == null ? List.of() : Arrays.asList(signals),
                instant(row, "triggered_at"), row.get("pattern", String.class),
                row.get("recommended_action", String.class), row.get("score", Double.class),
                "app".equals(kind) ? "app" : kind + "=" + row.get("dimension_value", String.class),
                Boolean.TRUE.equals(row.get("needs_human", Boolean.class)), instant(row, "updated_at"),
                instant(row, "acknowledged_at"), instant(row, "resolved_at"),
                resolution == null ? null : JSON.readTree(resolution.asString()));
    }

    static AlertChange change(Readable row) {
        JsonNode body = JSON.readTree(row.get("body", Json.class).asString());
        return new AlertChange(row.get("change_id", Long.class), row.get("kind", String.class),
                instant(row, "changed_at"), row.get("project_id", String.class),
                JSON.treeToValue(body.get("alert"), Alert.class), body.get("report"));
    }

    static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
