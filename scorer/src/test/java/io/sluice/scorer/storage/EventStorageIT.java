package io.sluice.scorer.storage;

import static io.sluice.scorer.support.ScorerHarness.count;
import static io.sluice.scorer.support.ScorerHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.consume.ReactorKafkaDeadLetters;
import io.sluice.scorer.support.ScorerHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The scorer against a real Kafka and PostgreSQL: stores what it consumes, once. */
class EventStorageIT {

    private final SharedInfrastructure infra = SharedInfrastructure.get();
    private final EventCodec codec = new EventCodec();

    @Test
    void storesBatchAndSingleRecordsDeadLettersPoisonAndAReplayStoresNothingTwice() throws Exception {
        String project = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-scorer-" + project;
        List<byte[]> values = new ArrayList<>();
        int expected = 0;
        Instant at = Instant.now().minusSeconds(3600);
        for (int r = 0; r < 40; r++) {
            List<CanonicalEvent> batch = new ArrayList<>();
            for (int e = 0; e < 5; e++) {
                batch.add(event(project, "app", "sess-" + (r % 7), "crash", at, "cc", "{\"exception\":\"E\",\"fatal\":true}"));
            }
            values.add(codec.encodeBatch(batch));
            values.add(codec.encode(event(project, "page_hit", at, "{}")));
            expected += 6;
            if (r == 10) {
                values.add("{\"this is\": \"not an event\"}".getBytes(StandardCharsets.UTF_8));
                values.add(new byte[] {(byte) 0xC3, 0x28});
            }
        }
        ScorerHarness.produce(infra.kafka(), topic, values);

        int total = expected;
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic,
                "group-a-" + project, null)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project) == total);
            assertThat(scorer.getBean(MeterRegistry.class).counter("sluice_scorer_records_poison").count()).isEqualTo(2.0);
            awaitCommittedToEnd(topic, "group-a-" + project);
        }
        assertThat(count(infra.postgres(), "SELECT count(DISTINCT event_id) FROM events WHERE project_id = ?", project))
                .isEqualTo(expected);

        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 2);
        assertThat(dead).hasSize(2);
        assertThat(dead).allSatisfy(r -> {
            assertThat(new String(r.headers().lastHeader(ReactorKafkaDeadLetters.REASON_HEADER).value())).isNotBlank();
            assertThat(new String(r.headers().lastHeader(ReactorKafkaDeadLetters.SOURCE_HEADER).value()))
                    .startsWith(topic + "-");
        });
        // Dead letters keep their order within a partition only; these two may sit in two.
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .anySatisfy(v -> assertThat(v).contains("not an event"));
        assertThat(dead).extracting(ConsumerRecord::value).anySatisfy(v -> assertThat(v).containsExactly(0xC3, 0x28));

        // A second group re-reads every record from the start: a full replay.
        try (ConfigurableApplicationContext replay = ScorerHarness.start(infra.postgres(), infra.kafka(), topic,
                "group-b-" + project, null)) {
            awaitCommittedToEnd(topic, "group-b-" + project);
            assertThat(replay.getBean(MeterRegistry.class).counter("sluice_scorer_events_duplicate").count())
                    .isEqualTo(expected);
        }
        assertThat(count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project)).isEqualTo(expected);
        // Derived rows did not double either: 40 crashes x 5 in 7 sessions.
        assertThat(count(infra.postgres(), "SELECT count(*) FROM signals WHERE project_id = ?", project)).isEqualTo(200);
        assertThat(count(infra.postgres(), "SELECT sum(events) FROM sessions WHERE project_id = ?", project)).isEqualTo(200);
    }

    @Test
    void aPollBiggerThanOneTransactionIsStoredByParallelLanesInSeveralTransactionsOnce() throws Exception {
        String project = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-lanes-" + project;
        Instant at = Instant.now().minusSeconds(900);
        List<byte[]> values = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
            List<CanonicalEvent> batch = new ArrayList<>();
            for (int e = 0; e < 10; e++) {
                batch.add(event(project, "app", "sess-" + r, e == 9 ? "crash" : "page_hit", at.plusSeconds(e), "cc",
                        e == 9 ? "{\"exception\":\"E\",\"fatal\":true}" : "{\"screen\":\"Home\"}"));
            }
            values.add(codec.encodeBatch(batch));
        }
        ScorerHarness.produce(infra.kafka(), topic, values);
        String group = "group-lanes-" + project;
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic, group,
                null, "--sluice.scorer.max-poll-records=30", "--sluice.scorer.writers=2",
                "--sluice.scorer.batch-events=25")) {
            awaitCommittedToEnd(topic, group);
            MeterRegistry meters = scorer.getBean(MeterRegistry.class);
            // 300 events in transactions of at most 25: at least 12 of them, whatever the polls.
            assertThat(meters.timer("sluice_scorer_write").count()).isGreaterThanOrEqualTo(12);
            assertThat(meters.counter("sluice_scorer_events_stored").count()).isEqualTo(300.0);
        }
        assertThat(count(infra.postgres(), "SELECT count(DISTINCT event_id) FROM events WHERE project_id = ?", project))
                .isEqualTo(300);
        // Sessions split over transactions still add up: 30 sessions of 10 events, each crashed once.
        assertThat(count(infra.postgres(), "SELECT count(*) FROM sessions WHERE project_id = ? AND events = 10 "
                + "AND crashed", project)).isEqualTo(30);
        assertThat(count(infra.postgres(), "SELECT sum(count) FROM health_minutes WHERE project_id = ? "
                + "AND metric = 'crashed_session'", project)).isEqualTo(30);
    }

    @Test
    void aBacklogOfSmallRecordsIsStoredInBatchesOfMergedPollsAndEachEventOnce() throws Exception {
        assertThat(maxBatchEvents("merged", "1MB")).as("events in the largest batch, polls of 20 merged")
                .isGreaterThan(20);
        assertThat(maxBatchEvents("unmerged", "0")).as("events in the largest batch, polls not merged")
                .isLessThanOrEqualTo(20);
    }

    /** Stores a backlog of 300 single-event records, polled 20 at a time; the largest stored batch. */
    private double maxBatchEvents(String name, String mergeBytes) throws Exception {
        String project = "proj-" + name + "-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-merge-" + project;
        Instant at = Instant.now().minusSeconds(900);
        List<byte[]> values = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            values.add(codec.encodeBatch(List.of(event(project, "app", "sess-" + r % 30, "page_hit", at.plusMillis(r),
                    "cc", "{\"screen\":\"Home\"}"))));
        }
        ScorerHarness.produce(infra.kafka(), topic, values);
        String group = "group-merge-" + project;
        double max;
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic, group,
                null, "--sluice.scorer.max-poll-records=20", "--sluice.scorer.merge-bytes=" + mergeBytes,
                "--sluice.scorer.merge-wait=2s")) {
            awaitCommittedToEnd(topic, group);
            MeterRegistry meters = scorer.getBean(MeterRegistry.class);
            assertThat(meters.counter("sluice_scorer_events_stored").count()).isEqualTo(300.0);
            max = meters.summary("sluice_scorer_batch_events").max();
        }
        assertThat(count(infra.postgres(), "SELECT count(DISTINCT event_id) FROM events WHERE project_id = ?", project))
                .isEqualTo(300);
        return max;
    }

    @Test
    void eventsKeyedByAClientIdempotencyKeyAreStoredOnceWhateverTheirEventTime() throws Exception {
        String project = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-keyed-" + project;
        Instant at = Instant.now().minusSeconds(600);
        String keyed = Ids.keyed(Ids.EVENT, project, "client-event-1");
        List<byte[]> values = new ArrayList<>();
        // Twice in one record (different event times), once more in a later record, and a marker.
        values.add(codec.encodeBatch(List.of(withId(event(project, "click", at, "{}"), keyed),
                withId(event(project, "click", at.plusSeconds(60), "{}"), keyed))));
        values.add(codec.encode(withId(event(project, "click", at.minus(Duration.ofDays(2)), "{}"), keyed)));
        CanonicalEvent marker = withId(event(project, "click", at, "{}"), Ids.keyed(Ids.EVENT, project, "marker"));
        values.add(codec.encode(marker));
        ScorerHarness.produce(infra.kafka(), topic, values);
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic,
                "group-keyed-" + project, null)) {
            awaitCommittedToEnd(topic, "group-keyed-" + project);
        }
        assertThat(count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project)).isEqualTo(2);
        assertThat(count(infra.postgres(), "SELECT count(*) FROM events WHERE event_id = ?", keyed)).isEqualTo(1);
        assertThat(count(infra.postgres(), "SELECT count(*) FROM event_keys WHERE project_id = ?", project)).isEqualTo(2);
        // Time-based ids are not claimed: the key table holds only keyed ids.
        assertThat(count(infra.postgres(), "SELECT count(*) FROM event_keys WHERE substr(event_id, 5, 1) <> 'Z' "
                + "AND project_id = ?", project)).isZero();
    }

    @Test
    void crashesWhoseExceptionAndFrameSpellTheSameSignatureDoNotWedgeTheBatch() throws Exception {
        String project = "proj-" + Ids.request().substring(4).toLowerCase();
        String topic = "it-sig-" + project;
        Instant at = Instant.now().minusSeconds(600);
        ScorerHarness.produce(infra.kafka(), topic, List.of(codec.encodeBatch(List.of(
                event(project, "app", "s1", "crash", at, "cc", "{\"exception\":\"A | B\",\"stack_trace\":\"C\"}"),
                event(project, "app", "s2", "crash", at, "cc", "{\"exception\":\"A\",\"stack_trace\":\"B | C\"}")))));
        try (ConfigurableApplicationContext scorer = ScorerHarness.start(infra.postgres(), infra.kafka(), topic,
                "group-sig-" + project, null)) {
            awaitCommittedToEnd(topic, "group-sig-" + project);
        }
        assertThat(count(infra.postgres(), "SELECT count(*) FROM events WHERE project_id = ?", project)).isEqualTo(2);
        assertThat(count(infra.postgres(), "SELECT sum(occurrences) FROM crash_signatures WHERE project_id = ?", project))
                .isEqualTo(2);
    }

    private static CanonicalEvent withId(CanonicalEvent e, String id) {
        return new CanonicalEvent(id, e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(), e.sessionId(),
                e.type(), e.timestamp(), e.receivedAt(), e.dialect(), e.user(), e.device(), e.location(), e.payload(),
                e.tags(), e.custom());
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    private void awaitCommittedToEnd(String topic, String group) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Admin admin = infra.kafka().admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                for (int p = 0; p < 3; p++) {
                    request.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                // An empty partition has nothing to commit.
                return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() == e.getValue().offset()));
            }
        });
    }
}
