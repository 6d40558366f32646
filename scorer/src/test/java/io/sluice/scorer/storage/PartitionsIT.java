package io.sluice.scorer.storage;

import static io.sluice.scorer.support.ScorerHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.support.ScorerHarness;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Day partitions on event time: made ahead, rolling over at midnight UTC, late rows carved out, old ones dropped. */
class PartitionsIT {

    @Test
    void eventsLandInTheirUtcDayPartitionAcrossMidnightAndOldPartitionsAreDropped() throws Exception {
        KraftBroker kafka = SharedInfrastructure.get().kafka();
        Instant midnight = Instant.parse("2026-11-24T00:00:00Z");
        Clock clock = Clock.fixed(midnight.minusSeconds(30), ZoneOffset.UTC);
        try (PostgresServer pg = PostgresServer.start(SharedInfrastructure.get().newDirectory("pg-partitions").resolve("data"), 0)) {
            List<CanonicalEvent> events = List.of(
                    event("p", "page_hit", midnight.minusMillis(500), "{}"),
                    event("p", "page_hit", midnight.plusMillis(500), "{}"),
                    event("p", "page_hit", midnight.minus(Duration.ofDays(40)), "{}"),
                    event("p", "page_hit", midnight.plus(Duration.ofDays(30)), "{}"));
            ScorerHarness.produce(kafka, "it-partitions", List.of(ScorerHarness.batch(events)));
            try (ConfigurableApplicationContext scorer = ScorerHarness.start(pg, kafka, "it-partitions", "g-partitions",
                    clock, "--sluice.scorer.retention=30d")) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> partitionsByEvent(pg).size() == 4);
                Map<String, String> where = partitionsByEvent(pg);
                assertThat(where.get(events.get(0).eventId())).isEqualTo("events_20261123");
                assertThat(where.get(events.get(1).eventId())).isEqualTo("events_20261124");
                // Too old or too far ahead for a prepared day: the default partition, never a failure.
                assertThat(where.get(events.get(2).eventId())).isEqualTo("events_default");
                assertThat(where.get(events.get(3).eventId())).isEqualTo("events_default");

                // A late day later gets its own partition: rows move out of the default one.
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("SELECT sluice_ensure_event_partitions(DATE '2026-10-15', 1)");
                }
                assertThat(partitionsByEvent(pg).get(events.get(2).eventId())).isEqualTo("events_20261015");

                // Retention 30 days: at the next pass that day is dropped with its rows.
                int[] result = scorer.getBean(PartitionMaintainer.class).runOnce().block();
                assertThat(result[1]).isGreaterThanOrEqualTo(1);
                assertThat(partitionsByEvent(pg)).doesNotContainKey(events.get(2).eventId()).hasSize(3);

                // Rows parked in the default partition are kept for the retention after they ARRIVED:
                // one that happened 3 years ago but arrived now stays; one that arrived long ago goes.
                try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO events (event_id, occurred_at, received_at, project_id, app_id, type, payload) VALUES "
                            + "('evt_replayed', '2023-11-01T00:00:00Z', '" + midnight + "', 'p', 'app', 'tool_use', '{}'), "
                            + "('evt_expired', '2023-11-01T00:00:00Z', '2023-11-01T00:00:05Z', 'p', 'app', 'tool_use', '{}')");
                }
                scorer.getBean(PartitionMaintainer.class).runOnce().block();
                assertThat(partitionsByEvent(pg)).containsEntry("evt_replayed", "events_default")
                        .doesNotContainKey("evt_expired");
            }
        }
    }

    private static Map<String, String> partitionsByEvent(PostgresServer pg) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id, tableoid::regclass::text FROM events")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }
}
