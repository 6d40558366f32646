package io.sluice.scorer.storage;

import static io.sluice.scorer.support.ScorerHarness.count;
import static io.sluice.scorer.support.ScorerHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.support.ScorerHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two scorer replicas in one consumer group share the partitions, one leaves mid-stream (its
 * partitions move to the other), and every event, session count, signal and health counter is
 * stored exactly once.
 */
class ScorerReplicasIT {

    private final SharedInfrastructure infra = SharedInfrastructure.get();

    @Test
    void twoReplicasAndARebalanceStoreAndDeriveEverythingExactlyOnce() throws Exception {
        String project = "proj-" + Ids.request().substring(18).toLowerCase(Locale.ROOT);
        String topic = "it-replicas-" + project;
        EventCodec codec = new EventCodec();
        Instant at = Instant.now().minus(Duration.ofHours(2));
        List<byte[]> values = new ArrayList<>();
        int sessions = 600;
        for (int s = 0; s < sessions; s++) {
            List<CanonicalEvent> batch = new ArrayList<>();
            String session = "sess-" + s;
            batch.add(event(project, "app", session, "page_hit", at.plusSeconds(s), "cc", "{\"screen\":\"Home\"}"));
            batch.add(event(project, "app", session, "page_hit", at.plusSeconds(s + 1), "cc", "{\"screen\":\"Cart\"}"));
            if (s % 10 == 0) {
                batch.add(event(project, "app", session, "crash", at.plusSeconds(s + 2), "cc",
                        "{\"exception\":\"E\",\"stack_trace\":\"at A.b(A.kt:1)\",\"fatal\":true}"));
            }
            values.add(codec.encodeBatch(batch));
        }
        infra.kafka().createTopic(topic, 4);
        String group = "g-replicas-" + project;
        ConfigurableApplicationContext a = ScorerHarness.start(infra.postgres(), infra.kafka(), topic, group, null,
                "--sluice.scoring.enabled=false");
        try (ConfigurableApplicationContext b = ScorerHarness.start(infra.postgres(), infra.kafka(), topic, group, null,
                "--sluice.scoring.enabled=false")) {
            awaitMembers(group, 2);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int s = 0; s < values.size(); s++) {
                    producer.send(new ProducerRecord<>(topic, (project + "/sess-" + s).getBytes(), values.get(s)));
                }
                producer.flush();
            }
            // Both replicas take part, then one leaves while records remain.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                    stored(a) > 0 && stored(b) > 0);
            a.close();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project) == sessions * 2 + sessions / 10);
            assertThat(stored(b)).isPositive();
        } finally {
            a.close();
        }
        long events = sessions * 2L + sessions / 10;
        assertThat(count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project)).isEqualTo(events);
        assertThat(count(infra.postgres(), "SELECT count(*) FROM sessions WHERE project_id = ?", project)).isEqualTo(sessions);
        assertThat(count(infra.postgres(), "SELECT sum(events) FROM sessions WHERE project_id = ?", project)).isEqualTo(events);
        assertThat(count(infra.postgres(), "SELECT count(*) FROM sessions WHERE project_id = ? AND crashed", project))
                .isEqualTo(sessions / 10);
        assertThat(count(infra.postgres(), "SELECT count(*) FROM signals WHERE project_id = ?", project)).isEqualTo(sessions / 10);
        assertThat(count(infra.postgres(), "SELECT sum(count) FROM health_minutes WHERE project_id = ? AND metric = 'session'",
                project)).isEqualTo(sessions);
        assertThat(count(infra.postgres(), "SELECT sum(count) FROM health_minutes WHERE project_id = ? "
                + "AND metric = 'crashed_session'", project)).isEqualTo(sessions / 10);
        assertThat(count(infra.postgres(), "SELECT sum(count) FROM health_minutes WHERE project_id = ? "
                + "AND metric = 'screen_view'", project)).isEqualTo(sessions * 2L);
        assertThat(count(infra.postgres(), "SELECT sum(occurrences) FROM crash_signatures WHERE project_id = ?", project))
                .isEqualTo(sessions / 10);
    }

    private void awaitMembers(String group, int members) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Admin admin = infra.kafka().admin()) {
                var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(10, TimeUnit.SECONDS);
                return description.members().size() == members
                        && description.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            }
        });
    }

    private static double stored(ConfigurableApplicationContext scorer) {
        if (!scorer.isActive()) {
            return 1;
        }
        return scorer.getBean(MeterRegistry.class).counter("sluice_scorer_events_stored").count();
    }
}
