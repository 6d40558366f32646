package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.DevData;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.ScorerApplication;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** The scorer against a real Kafka and PostgreSQL: stores what it consumes, once. */
class EventStorageIT {

    private final SharedInfrastructure infra = SharedInfrastructure.get();
    private final EventCodec codec = new EventCodec();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void storesBatchAndSingleRecordsSkipsPoisonAndAReplayStoresNothingTwice() throws Exception {
        DevData.migrate(infra.postgres());
        String project = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-scorer-" + project;
        infra.kafka().createTopic(topic, 3);

        List<byte[]> values = new ArrayList<>();
        int expected = 0;
        for (int r = 0; r < 40; r++) {
            List<CanonicalEvent> batch = new ArrayList<>();
            for (int e = 0; e < 5; e++) {
                batch.add(event(project, "sess-" + (r % 7)));
            }
            values.add(codec.encodeBatch(batch));
            values.add(codec.encode(event(project, null)));
            expected += 6;
            if (r == 10) {
                values.add("{\"this is\": \"not an event\"}".getBytes(StandardCharsets.UTF_8));
                values.add(new byte[] {(byte) 0xC3, 0x28});
            }
        }
        produce(topic, values);

        try (ConfigurableApplicationContext scorer = startScorer(topic, "group-a-" + project)) {
            int total = expected;
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(project) == total);
            double poison = scorer.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .counter("sluice_scorer_records_poison").count();
            assertThat(poison).isEqualTo(2.0);
            awaitCommittedToEnd(topic, "group-a-" + project);
        }
        assertThat(distinctEventIds(project)).isEqualTo(expected);

        // A second group re-reads every record from the start: a full replay.
        try (ConfigurableApplicationContext replay = startScorer(topic, "group-b-" + project)) {
            awaitCommittedToEnd(topic, "group-b-" + project);
            double duplicates = replay.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .counter("sluice_scorer_events_duplicate").count();
            assertThat(duplicates).isEqualTo(expected);
        }
        assertThat(count(project)).isEqualTo(expected);
        assertThat(distinctEventIds(project)).isEqualTo(expected);
    }

    private CanonicalEvent event(String project, String session) {
        return new CanonicalEvent(Ids.event(), Ids.request(), project, "app", "android", "1.0.0", session, "crash",
                Instant.parse("2026-11-20T10:00:00Z"), Instant.now(), Dialect.CC,
                json.readTree("{\"id\":\"u\"}"), null, null, json.readTree("{\"exception\":\"E\",\"fatal\":true}"),
                null, null);
    }

    private ConfigurableApplicationContext startScorer(String topic, String group) {
        return ScorerApplication.builder().registerShutdownHook(false).run(
                "--server.port=0",
                "--sluice.db.host=127.0.0.1",
                "--sluice.db.port=" + infra.postgres().port(),
                "--sluice.scorer.bootstrap-servers=" + infra.kafka().bootstrapServers(),
                "--sluice.scorer.topic=" + topic,
                "--sluice.scorer.group-id=" + group,
                "--sluice.scorer.max-poll-records=7");
    }

    private void produce(String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, ("k" + (i++ % 5)).getBytes(), v)).get();
            }
        }
    }

    private void awaitCommittedToEnd(String topic, String group) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Admin admin = infra.kafka().admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
                for (int p = 0; p < 3; p++) {
                    request.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() == e.getValue().offset());
            }
        });
    }

    private long count(String project) throws Exception {
        return query("SELECT count(*) FROM events WHERE project_id = ?", project);
    }

    private long distinctEventIds(String project) throws Exception {
        return query("SELECT count(DISTINCT event_id) FROM events WHERE project_id = ?", project);
    }

    private long query(String sql, String project) throws Exception {
        try (Connection c = infra.postgres().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
