package io.sluice.common.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One entry of the alert change log, as stored in {@code alert_changes} and published to the
 * {@code sluice.alerts} topic (key: the alert id). {@code changeId} is monotonic and gap-free in
 * commit order, so it serves as the stream cursor.
 *
 * @param changeId  position in the change log
 * @param kind      {@code alert.opened}, {@code alert.updated}, {@code alert.resolved} or {@code agent_report}
 * @param changedAt when the change was made (server clock)
 * @param projectId the tenant, for routing; never shown to another project
 * @param alert     the alert after the change
 * @param report    for {@code agent_report}: the report as stored, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertChange(
        @JsonProperty("change_id") long changeId,
        String kind,
        @JsonProperty("changed_at") Instant changedAt,
        @JsonProperty("project_id") String projectId,
        Alert alert,
        JsonNode report) {

    public static final String OPENED = "alert.opened";
    public static final String UPDATED = "alert.updated";
    public static final String RESOLVED = "alert.resolved";
    public static final String AGENT_REPORT = "agent_report";
}
