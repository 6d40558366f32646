package io.sluice.scorer.storage;

import static io.sluice.scorer.support.ScorerHarness.count;
import static io.sluice.scorer.support.ScorerHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.support.ScorerHarness;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Signals, agent reports, sessions and rollups derived from stored events, once each. */
class DerivedRecordsIT {

    private final SharedInfrastructure infra = SharedInfrastructure.get();

    @Test
    void newEventsFeedSignalsReportsSessionsAndRollups() throws Exception {
        String p = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-derived-" + p;
        Instant t = Instant.now().minusSeconds(600);
        String agent = "550e8400-e29b-41d4-a716-446655440000";
        List<CanonicalEvent> cc = List.of(
                event(p, "shop", "s1", "page_hit", t, Dialect.CC, "{\"screen\":\"Home\"}"),
                event(p, "shop", "s1", "crash", t.plusSeconds(5), Dialect.CC,
                        "{\"exception\":\"NullPointerException\",\"fatal\":true}"),
                event(p, "shop", "s2", "crash", t.plusSeconds(6), Dialect.CC,
                        "{\"exception\":\"IOException\",\"fatal\":false}"),
                event(p, "shop", "s2", "network_error", t.plusSeconds(7), Dialect.CC,
                        "{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503}"),
                event(p, "shop", null, "agent_report", t.plusSeconds(8), Dialect.CC,
                        "{\"agent_id\":\"aa-monitor-v2\",\"status\":\"fixed\",\"summary\":\"Patched.\","
                                + "\"signal_ids\":[\"sig_x9f2a1\"],\"alert_ids\":[\"alt_3f9c2b\"],\"confidence\":0.99,"
                                + "\"root_cause\":\"Null user.profile\"}"));
        List<CanonicalEvent> trenchcoat = List.of(
                event(p, "claude-code", agent, "session_start", t, Dialect.TRENCHCOAT, "{}"),
                event(p, "claude-code", agent, "tool_use", t.plusSeconds(1), Dialect.TRENCHCOAT, "{\"tool_name\":\"Read\"}"),
                event(p, "claude-code", agent, "tool_result", t.plusSeconds(2), Dialect.TRENCHCOAT, "{\"is_error\":true}"),
                event(p, "claude-code", agent, "tool_use", t.plusSeconds(3), Dialect.TRENCHCOAT, "{\"tool_name\":\"Bash\"}"),
                event(p, "claude-code", agent, "tool_result", t.plusSeconds(4), Dialect.TRENCHCOAT, "{\"success\":true}"),
                event(p, "claude-code", agent, "session_end", t.plusSeconds(9), Dialect.TRENCHCOAT, "{}"));
        List<CanonicalEvent> canary = List.of(
                event(p, "web", null, "event", t, Dialect.CANARYHUB, "{\"name\":\"payment\",\"value\":29}"),
                event(p, "web", null, "event", t.plusSeconds(1), Dialect.CANARYHUB, "{\"name\":\"payment\",\"value\":10.5}"),
                event(p, "web", null, "event", t.plusSeconds(2), Dialect.CANARYHUB, "{\"name\":\"signup\"}"),
                event(p, "web", null, "error", t.plusSeconds(3), Dialect.CANARYHUB,
                        "{\"name\":\"webhook failed\",\"message\":\"timeout\"}"));
        ScorerHarness.produce(infra.kafka(), topic, List.of(ScorerHarness.batch(cc), ScorerHarness.batch(trenchcoat),
                ScorerHarness.batch(canary)));

        for (String group : List.of("first", "replay")) {
            try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic,
                    group + "-" + p, null)) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", p) == 15
                                && count(infra.postgres(), "SELECT count(*) FROM daily_rollups WHERE project_id = ?", p) == 2);
                if (group.equals("replay")) {
                    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> scorer
                            .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                            .counter("sluice_scorer_events_duplicate").count() == 15);
                }
            }
            assertDerived(p, agent);
        }
    }

    private void assertDerived(String p, String agent) throws Exception {
        var pg = infra.postgres();
        assertThat(count(pg, "SELECT count(*) FROM signals WHERE project_id = ?", p)).isEqualTo(4);
        assertThat(count(pg, "SELECT count(*) FROM signals WHERE project_id = ? AND signal_id = 'sig_' || substring(event_id from 5)", p))
                .isEqualTo(4);
        assertThat(count(pg, "SELECT count(*) FROM signals WHERE project_id = ? AND type = 'crash' AND name = 'NullPointerException' "
                + "AND os_version = '14' AND app_version = '2.4.1'", p)).isEqualTo(1);
        assertThat(count(pg, "SELECT count(*) FROM signals WHERE project_id = ? AND type = 'error' AND name = 'webhook failed'", p))
                .isEqualTo(1);
        assertThat(count(pg, "SELECT count(*) FROM agent_reports WHERE project_id = ? AND status = 'fixed' "
                + "AND 'alt_3f9c2b' = ANY(alert_ids) AND 'sig_x9f2a1' = ANY(signal_ids) AND confidence = 0.99", p)).isEqualTo(1);
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT session_id, events, crashed, tool_uses, failed_tool_results, "
                     + "started_at IS NOT NULL, ended_at IS NOT NULL FROM sessions WHERE project_id = '" + p + "' ORDER BY session_id")) {
            // UUIDs sort before "s1": the agent session comes first.
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(agent);
            assertThat(rs.getLong(2)).isEqualTo(6);
            assertThat(rs.getLong(4)).isEqualTo(2);
            assertThat(rs.getLong(5)).isEqualTo(1);
            assertThat(rs.getBoolean(6)).isTrue();
            assertThat(rs.getBoolean(7)).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("s1");
            assertThat(rs.getLong(2)).isEqualTo(2);
            assertThat(rs.getBoolean(3)).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("s2");
            assertThat(rs.getBoolean(3)).as("non-fatal crash").isFalse();
            assertThat(rs.next()).isFalse();
        }
        assertThat(count(pg, "SELECT count FROM daily_rollups WHERE project_id = ? AND name = 'payment'", p)).isEqualTo(2);
        assertThat(count(pg, "SELECT (sum_value * 10)::bigint FROM daily_rollups WHERE project_id = ? AND name = 'payment'", p))
                .isEqualTo(395);
        assertThat(count(pg, "SELECT count FROM daily_rollups WHERE project_id = ? AND name = 'signup'", p)).isEqualTo(1);
    }
}
