package io.sluice.scorer.storage;

import static io.sluice.scorer.support.ScorerHarness.count;
import static io.sluice.scorer.support.ScorerHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.support.ScorerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** PostgreSQL down for 30 s: the scorer waits, retries, commits nothing it has not stored, resumes by itself. */
class PostgresOutageIT {

    @Test
    void postgresStoppedForThirtySecondsLosesNothing() throws Exception {
        KraftBroker kafka = SharedInfrastructure.get().kafka();
        Path data = SharedInfrastructure.get().newDirectory("pg-outage").resolve("data");
        PostgresServer pg = PostgresServer.start(data, 0);
        int port = pg.port();
        String topic = "it-outage";
        Instant at = Instant.now().minusSeconds(60);
        List<byte[]> first = new ArrayList<>();
        List<byte[]> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            first.add(ScorerHarness.batch(List.of(event("p-outage", "page_hit", at, "{}"), event("p-outage", "click", at, "{}"))));
            during.add(ScorerHarness.batch(List.of(event("p-outage", "page_hit", at, "{}"), event("p-outage", "click", at, "{}"))));
        }
        ScorerHarness.produce(kafka, topic, first);
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(pg, kafka, topic, "g-outage", null,
                "--sluice.scorer.retry-max=2s")) {
            PostgresServer current = pg;
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(current, "SELECT count(*) FROM events") == 40);

            pg.close();
            ScorerHarness.produce(kafka, topic, during);
            MeterRegistry meters = scorer.getBean(MeterRegistry.class);
            // It keeps trying while the database is away...
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> meters.counter("sluice_scorer_write_retries").count() >= 3);
            Thread.sleep(Duration.ofSeconds(30).minusSeconds(5).toMillis()); // the outage itself: 30 s in all
            pg = PostgresServer.start(data, port);

            // ...and resumes by itself when it is back: everything, once.
            PostgresServer restarted = pg;
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> count(restarted, "SELECT count(*) FROM events") == 80);
            assertThat(count(restarted, "SELECT count(DISTINCT event_id) FROM events")).isEqualTo(80);
        } finally {
            pg.close();
        }
    }
}
