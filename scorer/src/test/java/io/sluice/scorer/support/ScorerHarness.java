package io.sluice.scorer.support;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.DevData;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.PostgresServer;
import io.sluice.scorer.ScorerApplication;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Starts real scorers on real Kafka and PostgreSQL, and builds and sends canonical events. */
public final class ScorerHarness {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EventCodec CODEC = new EventCodec();

    private ScorerHarness() {
    }

    public static ConfigurableApplicationContext start(PostgresServer pg, KraftBroker kafka, String topic, String group,
            Clock clock, String... extra) {
        DevData.migrate(pg);
        kafka.createTopic(topic, 3);
        kafka.createTopic(topic + ".dlq", 1);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--sluice.db.host=127.0.0.1",
                "--sluice.db.port=" + pg.port(), "--sluice.scorer.bootstrap-servers=" + kafka.bootstrapServers(),
                "--sluice.scorer.topic=" + topic, "--sluice.scorer.group-id=" + group,
                "--sluice.scorer.dead-letter-topic=" + topic + ".dlq"));
        if (List.of(extra).stream().noneMatch(a -> a.startsWith("--sluice.scorer.max-poll-records="))) {
            args.add("--sluice.scorer.max-poll-records=7");
        }
        args.addAll(List.of(extra));
        return ScorerApplication.builder().registerShutdownHook(false)
                .initializers((GenericApplicationContext ctx) -> {
                    ctx.registerBean(ReactorResourceFactory.class, () -> {
                        ReactorResourceFactory f = new ReactorResourceFactory();
                        f.setUseGlobalResources(false);
                        return f;
                    });
                    if (clock != null) {
                        ctx.registerBean(Clock.class, () -> clock);
                    }
                })
                .run(args.toArray(String[]::new));
    }

    public static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    public static CanonicalEvent event(String project, String app, String session, String type, Instant at,
            String dialect, String payload) {
        return new CanonicalEvent(Ids.event(), Ids.request(), project, app, "android", "2.4.1", session, type, at,
                Instant.now(), dialect, null, json("{\"os_version\":\"14\"}"), null, json(payload), null, null);
    }

    public static CanonicalEvent event(String project, String type, Instant at, String payload) {
        return event(project, "app", null, type, at, Dialect.CC, payload);
    }

    public static byte[] batch(List<CanonicalEvent> events) {
        return CODEC.encodeBatch(events);
    }

    public static void produce(KraftBroker kafka, String topic, List<byte[]> values) throws Exception {
        kafka.createTopic(topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(topic, ("k" + (i++ % 5)).getBytes(), v)).get();
            }
        }
    }

    public static long count(PostgresServer pg, String sql, Object... params) throws Exception {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
