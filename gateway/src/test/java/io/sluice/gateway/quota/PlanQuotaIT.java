package io.sluice.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.DevData;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.MutableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Monthly plan quotas: 432 once used up, reset at the month boundary, kept across restarts. */
class PlanQuotaIT {

    private final SharedInfrastructure infra = SharedInfrastructure.get();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-31T23:59:00Z"));

    private static String body(int events, Instant at) {
        StringBuilder b = new StringBuilder("{\"app_id\":\"q\",\"events\":[");
        for (int i = 0; i < events; i++) {
            b.append(i == 0 ? "" : ",").append("{\"type\":\"page_hit\",\"timestamp\":\"").append(at.minusSeconds(1))
                    .append("\",\"payload\":{}}");
        }
        return b.append("]}").toString();
    }

    private int send(GatewayHarness g, String key, int events) {
        return g.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body(events, clock.instant())).exchange().returnResult(String.class).getStatus().value();
    }

    @Test
    void quotaRunsOutResetsAtTheMonthBoundaryAndSurvivesARestart() throws Exception {
        String key;
        try (GatewayHarness gateway = GatewayHarness.start(infra.postgres(), infra.kafka(), clock,
                "--sluice.quota.flush-interval=100ms")) {
            key = gateway.newKey("proj-quota", DevData.ALL_SCOPES);
            setQuota("proj-quota", 10);

            assertThat(send(gateway, key, 6)).isEqualTo(200);
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body(6, clock.instant())).exchange()
                    .expectStatus().isEqualTo(432)
                    .expectBody().jsonPath("$.error").value(v -> assertThat((String) v)
                            .startsWith("Plan limit exceeded").contains("10 events per month").contains("4 remain")
                            .contains("2026-02-01"));
            assertThat(send(gateway, key, 4)).isEqualTo(200);
            assertThat(send(gateway, key, 1)).isEqualTo(432);

            clock.set(Instant.parse("2026-02-01T00:00:30Z"));
            assertThat(send(gateway, key, 6)).isEqualTo(200);
            // Counted in PostgreSQL without a query per request: flushed in the background.
            awaitUsage("proj-quota", "2026-01-01", 10);
            awaitUsage("proj-quota", "2026-02-01", 6);
        }
        // A new gateway (a restart, or another replica) knows February's usage from PostgreSQL.
        try (GatewayHarness restarted = GatewayHarness.start(infra.postgres(), infra.kafka(), clock)) {
            assertThat(send(restarted, key, 5)).isEqualTo(432);
            assertThat(send(restarted, key, 4)).isEqualTo(200);
        }
        awaitUsage("proj-quota", "2026-02-01", 10);
    }

    @Test
    void projectsWithoutQuotaAreCountedButNeverRefused() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start(infra.postgres(), infra.kafka(), clock,
                "--sluice.quota.flush-interval=100ms")) {
            String key = gateway.newKey("proj-unlimited", DevData.ALL_SCOPES);
            for (int i = 0; i < 5; i++) {
                assertThat(send(gateway, key, 20)).isEqualTo(200);
            }
            awaitUsage("proj-unlimited", "2026-01-01", 100);
        }
    }

    private void setQuota(String project, long quota) throws Exception {
        try (Connection c = infra.postgres().connect();
             var ps = c.prepareStatement("UPDATE projects SET monthly_event_quota = ? WHERE id = ?")) {
            ps.setLong(1, quota);
            ps.setString(2, project);
            ps.executeUpdate();
        }
    }

    private void awaitUsage(String project, String month, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = infra.postgres().connect();
                 var ps = c.prepareStatement("SELECT events FROM project_usage WHERE project_id = ? AND month = ?::date")) {
                ps.setString(1, project);
                ps.setString(2, month);
                try (ResultSet rs = ps.executeQuery()) {
                    seen = rs.next() ? rs.getLong(1) : 0;
                }
            }
            if (seen == expected) {
                return;
            }
            Thread.onSpinWait();
        }
        assertThat(seen).as("usage of %s in %s", project, month).isEqualTo(expected);
    }
}
