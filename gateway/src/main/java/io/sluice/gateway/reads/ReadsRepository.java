package io.sluice.gateway.reads;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Sessions and daily rollups as the scorer stored them; always filtered by project. */
@Repository
public class ReadsRepository {

    private final DatabaseClient db;

    public ReadsRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A session with its counts; {@code status} is {@code ended} once a session end was seen. */
    public record SessionView(
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("app_id") String appId,
            String platform,
            @JsonProperty("app_version") String appVersion,
            String status,
            @JsonProperty("first_seen") Instant firstSeen,
            @JsonProperty("last_seen") Instant lastSeen,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("ended_at") Instant endedAt,
            long events,
            boolean crashed,
            @JsonProperty("tool_uses") long toolUses,
            @JsonProperty("failed_tool_results") long failedToolResults,
            @JsonProperty("request_id") String requestId) {
    }

    /** One name's count and sum of {@code value} on one UTC day. */
    public record DailyRollup(@JsonProperty("app_id") String appId, String name, String day, long count,
            @JsonProperty("sum_value") double sumValue) {
    }

    /**
     * The session with this id; a Trenchcoat session id (a UUID, stored in lower case) is also
     * found when asked for in upper case.
     */
    public Mono<SessionView> session(String projectId, String sessionId, String requestId) {
        return db.sql("SELECT * FROM sessions WHERE project_id = $1 AND session_id IN ($2, lower($2)) "
                        + "ORDER BY session_id = $2 DESC LIMIT 1")
                .bind(0, projectId).bind(1, sessionId)
                .map(row -> new SessionView(row.get("session_id", String.class), row.get("app_id", String.class),
                        row.get("platform", String.class), row.get("app_version", String.class),
                        instant(row, "ended_at") != null ? "ended" : "active",
                        instant(row, "first_seen"), instant(row, "last_seen"), instant(row, "started_at"),
                        instant(row, "ended_at"), row.get("events", Long.class), row.get("crashed", Boolean.class),
                        row.get("tool_uses", Long.class), row.get("failed_tool_results", Long.class), requestId))
                .one();
    }

    public Flux<DailyRollup> dailyRollups(String projectId, String appId, String name, LocalDate from, LocalDate to,
            int limit) {
        StringBuilder sql = new StringBuilder("SELECT app_id, name, day, count, sum_value FROM daily_rollups "
                + "WHERE project_id = $1 AND day BETWEEN $2 AND $3");
        int next = 4;
        if (appId != null) {
            sql.append(" AND app_id = $").append(next++);
        }
        if (name != null) {
            sql.append(" AND name = $").append(next++);
        }
        sql.append(" ORDER BY day, app_id, name LIMIT $").append(next);
        GenericExecuteSpec spec = db.sql(sql.toString()).bind(0, projectId).bind(1, from).bind(2, to);
        int i = 3;
        if (appId != null) {
            spec = spec.bind(i++, appId);
        }
        if (name != null) {
            spec = spec.bind(i++, name);
        }
        return spec.bind(i, limit)
                .map(row -> new DailyRollup(row.get("app_id", String.class), row.get("name", String.class),
                        row.get("day", LocalDate.class).toString(), row.get("count", Long.class),
                        row.get("sum_value", Double.class)))
                .all();
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
