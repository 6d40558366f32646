package io.sluice.local;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.KraftBroker;
import io.sluice.gateway.ingest.KafkaRecords;
import io.sluice.gateway.kafka.KafkaProperties;
import io.sluice.gateway.kafka.KafkaProperties.Granularity;
import io.sluice.gateway.kafka.KafkaProducerEventPublisher;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quick harness behind the record-granularity decision in docs/decisions.md: encodes and
 * publishes the same 50-event requests through the gateway's own publisher, once as one record
 * per request and once as one record per event, against an in-process broker.
 *
 * <p>Run: {@code ./mvnw -q -pl deploy/local -am test-compile} then
 * {@code java -cp "$(cat deploy/local/target/probe.classpath):deploy/local/target/test-classes:deploy/local/target/classes" io.sluice.local.RecordGranularityProbe}
 * (the classpath file is written by {@code dependency:build-classpath -Dmdep.outputFile=target/probe.classpath}).
 */
public final class RecordGranularityProbe {

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int eventsPerRequest = 50;
        int concurrency = 64;
        try (KraftBroker broker = KraftBroker.start(Files.createTempDirectory("granularity"), 0, 0)) {
            broker.createTopic("probe", 4);
            List<List<CanonicalEvent>> bodies = bodies(requests, eventsPerRequest);
            for (Granularity g : Granularity.values()) {
                run(broker, bodies, g, concurrency, true);
                run(broker, bodies, g, concurrency, false);
            }
        }
    }

    private static void run(KraftBroker broker, List<List<CanonicalEvent>> bodies, Granularity granularity,
            int concurrency, boolean warmup) {
        KafkaProperties props = new KafkaProperties(broker.bootstrapServers(), "probe", null, null, granularity,
                null, null, null, null, null, null, null, null);
        EventCodec codec = new EventCodec();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (KafkaProducerEventPublisher publisher = new KafkaProducerEventPublisher(props, new SimpleMeterRegistry())) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long[] bytes = new long[1];
            Flux.fromIterable(bodies)
                    .flatMap(events -> {
                        var records = KafkaRecords.of(events, granularity, codec);
                        records.forEach(r -> bytes[0] += r.value().length);
                        return publisher.publish(records);
                    }, concurrency)
                    .blockLast();
            long elapsed = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            long events = (long) bodies.size() * bodies.get(0).size();
            if (!warmup) {
                System.out.printf("%-8s events/s %,10.0f   CPU us/event %6.2f   value bytes/event %5d%n",
                        granularity, events * 1e9 / elapsed, cpu / 1e3 / events, bytes[0] / events);
            }
        }
    }

    private static List<List<CanonicalEvent>> bodies(int requests, int perRequest) {
        JsonMapper json = JsonMapper.builder().build();
        JsonNode user = json.readTree("{\"id\":\"usr_9f3a2c\",\"email\":\"jane@example.com\",\"plan\":\"pro\"}");
        JsonNode device = json.readTree("{\"type\":\"mobile\",\"model\":\"iPhone 15 Pro\",\"os\":\"iOS\","
                + "\"os_version\":\"18.1\",\"network_type\":\"WiFi\"}");
        JsonNode location = json.readTree("{\"country\":\"GB\",\"city\":\"London\",\"timezone\":\"Europe/London\"}");
        String[] payloads = {
            "{\"screen\":\"CheckoutScreen\",\"referrer\":\"PushNotification\",\"load_time_ms\":320,\"is_first_visit\":false}",
            "{\"element_id\":\"btn-upgrade\",\"element_type\":\"button\",\"label\":\"Upgrade to Pro\",\"screen\":\"SettingsScreen\",\"x\":194,\"y\":832}",
            "{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503,\"latency_ms\":4200,\"network_type\":\"4G\",\"retries\":2}",
            "{\"exception\":\"NullPointerException\",\"stack_trace\":\"at com.myapp.MainActivity.onCreate(MainActivity.java:42)\",\"fatal\":true}"};
        String[] types = {"page_hit", "click", "network_error", "crash"};
        List<List<CanonicalEvent>> bodies = new ArrayList<>(requests);
        Instant now = Instant.now();
        for (int r = 0; r < requests; r++) {
            String request = Ids.request();
            List<CanonicalEvent> events = new ArrayList<>(perRequest);
            for (int i = 0; i < perRequest; i++) {
                events.add(new CanonicalEvent(Ids.event(), request, "demo", "my-app", "ios", "2.4.1", "sess_" + (r % 500),
                        types[i % 4], now, now, Dialect.CC, user, device, location, json.readTree(payloads[i % 4]),
                        json.readTree("{\"build\":\"1234\"}"), null));
            }
            bodies.add(events);
        }
        return bodies;
    }
}
