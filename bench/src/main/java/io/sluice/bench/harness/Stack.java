package io.sluice.bench.harness;

import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.embedded.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything the benchmark runs against, each in its own process on loopback: a Kafka broker
 * JVM, PostgreSQL (native), the gateway and scorer from their exec jars, and the ceiling server.
 */
final class Stack implements AutoCloseable {

    static final String EVENTS_TOPIC = "sluice.events";
    /** The broker's largest allowed session timeout (Kafka's default {@code group.max.session.timeout.ms}). */
    static final long FROZEN_SCORER_SESSION_TIMEOUT_MS = Duration.ofMinutes(30).toMillis();
    static final String CEILING_TOPIC = "bench.ceiling";
    /** Every child JVM gets the same explicit collector, so the reported GC is the one that ran. */
    static final List<String> GC = List.of("-XX:+UseG1GC");
    /**
     * As in the container images: the heap in transparent huge pages where the kernel allows them
     * (madvise). Gateway, scorer and ceiling get it; the broker does not.
     */
    static final List<String> PAGES = List.of("-XX:+UseTransparentHugePages");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * {@code compareJar}: a second gateway build, started beside the first with {@code compareJvm}
     * added to its JVM flags ({@code --compare-jar}, {@code --compare-jvm}), or null.
     */
    record Options(Path workDir, Path gatewayJar, Path scorerJar, String classpath, int partitions, String heap,
            List<String> gatewayJvm, Path compareJar, List<String> compareJvm) {
    }

    final Options options;
    final PostgresServer postgres;
    final ChildProcess kafka;
    final ChildProcess gateway;
    /** The second gateway build of an A/B comparison, idle unless a hold is aimed at it; null otherwise. */
    final ChildProcess gatewayB;
    final ChildProcess scorer;
    final ChildProcess ceiling;
    final String bootstrap;
    final String gatewayUrl;
    final String gatewayBUrl;
    final String ceilingUrl;
    final String scorerUrl;
    private final List<AutoCloseable> started;
    private final HttpClient http = HttpClient.newHttpClient();

    private Stack(Options options, PostgresServer postgres, ChildProcess kafka, Gateway gateway, Gateway gatewayB,
            ChildProcess scorer, ChildProcess ceiling, String bootstrap, String ceilingUrl, String scorerUrl,
            List<AutoCloseable> started) {
        this.options = options;
        this.postgres = postgres;
        this.kafka = kafka;
        this.gateway = gateway.process();
        this.gatewayB = gatewayB == null ? null : gatewayB.process();
        this.scorer = scorer;
        this.ceiling = ceiling;
        this.bootstrap = bootstrap;
        this.gatewayUrl = gateway.url();
        this.gatewayBUrl = gatewayB == null ? null : gatewayB.url();
        this.ceilingUrl = ceilingUrl;
        this.scorerUrl = scorerUrl;
        this.started = started;
    }

    static Stack start(Options o) throws Exception {
        List<AutoCloseable> started = java.util.Collections.synchronizedList(new ArrayList<>());
        // A harness stopped by a signal (Ctrl-C) stops its children too: a child process outlives
        // its JVM otherwise, and a frozen scorer ignores SIGTERM until resumed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(started), "bench-stack-stop"));
        try {
            Path logs = o.workDir().resolve("logs");
            int kafkaPort = freePort();
            // The broker is not ours to ship: it keeps the JVM's default pages (with huge pages it
            // answered acknowledgements slowly in one run, docs/benchmarks.md).
            ChildProcess kafka = ChildProcess.java("kafka", logs, jvm(o, "1g"),
                    List.of("-cp", o.classpath(), KafkaMain.class.getName(), o.workDir().resolve("kafka").toString(),
                            Integer.toString(kafkaPort), Integer.toString(freePort())));
            started.add(kafka);
            PostgresServer pg = PostgresServer.start(o.workDir().resolve("postgres"), 0);
            started.add(pg);
            kafka.awaitLogLine(KafkaMain.READY, Duration.ofSeconds(90));
            String bootstrap = "127.0.0.1:" + kafkaPort;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(EVENTS_TOPIC, o.partitions(), (short) 1),
                        new NewTopic(EVENTS_TOPIC + ".dlq", 1, (short) 1), new NewTopic("sluice.alerts", 1, (short) 1),
                        new NewTopic(CEILING_TOPIC, o.partitions(), (short) 1))).all().get();
            }
            DevData.migrate(pg);
            List<String> db = List.of("--sluice.db.host=127.0.0.1", "--sluice.db.port=" + pg.port(),
                    "--sluice.db.name=" + PostgresServer.DATABASE, "--sluice.db.user=" + PostgresServer.USER,
                    "--sluice.db.password=" + PostgresServer.PASSWORD, "--spring.flyway.enabled=false");
            int scorerPort = freePort();
            List<String> scorerArgs = new ArrayList<>(List.of("-jar", o.scorerJar().toString(), "--server.port=" + scorerPort,
                    "--sluice.scorer.bootstrap-servers=" + bootstrap,
                    // The scorer is frozen while HTTP is measured; with Kafka's usual timeouts its
                    // consumer left the group meanwhile and re-joined (seconds) before draining.
                    // Long enough timeouts keep it a member, so the drain is timed from its first poll.
                    "--sluice.scorer.consumer[session.timeout.ms]=" + FROZEN_SCORER_SESSION_TIMEOUT_MS,
                    "--sluice.scorer.consumer[max.poll.interval.ms]=" + Duration.ofDays(1).toMillis()));
            scorerArgs.addAll(db);
            ChildProcess scorer = ChildProcess.java("scorer", logs, appJvm(o, o.heap()), scorerArgs);
            started.add(scorer);
            Gateway gateway = startGateway("gateway", o.gatewayJar(), List.of(), o, bootstrap, db, logs, started);
            Gateway gatewayB = o.compareJar() == null ? null
                    : startGateway("gateway-b", o.compareJar(), o.compareJvm(), o, bootstrap, db, logs, started);
            int ceilingPort = freePort();
            ChildProcess ceiling = ChildProcess.java("ceiling", logs, appJvm(o, o.heap()), List.of("-cp", o.classpath(),
                    CeilingServer.class.getName(), bootstrap, CEILING_TOPIC, Integer.toString(ceilingPort)));
            started.add(ceiling);
            gateway.awaitReady();
            if (gatewayB != null) {
                gatewayB.awaitReady();
            }
            String scorerUrl = "http://127.0.0.1:" + scorerPort;
            scorer.awaitHttpOk(scorerUrl + "/actuator/health/readiness", Duration.ofSeconds(120));
            ceiling.awaitLogLine(CeilingServer.READY, Duration.ofSeconds(60));
            return new Stack(o, pg, kafka, gateway, gatewayB, scorer, ceiling, bootstrap, "http://127.0.0.1:" + ceilingPort,
                    scorerUrl, started);
        } catch (Exception e) {
            closeAll(started);
            throw e;
        }
    }

    /** Build {@code "A"} (the gateway) or {@code "B"} (the second build of an A/B comparison). */
    ChildProcess gateway(String build) {
        return build.equals("A") ? gateway : gatewayB;
    }

    /** The base URL of build {@code "A"} or {@code "B"}. */
    String gatewayUrl(String build) {
        return build.equals("A") ? gatewayUrl : gatewayBUrl;
    }

    private record Gateway(ChildProcess process, String url) {
        void awaitReady() throws Exception {
            process.awaitHttpOk(url + "/actuator/health/readiness", Duration.ofSeconds(120));
        }
    }

    /**
     * A gateway from {@code jar} with {@code extraJvm} after the usual flags: the same settings,
     * database and broker for either build of a comparison.
     */
    private static Gateway startGateway(String name, Path jar, List<String> extraJvm, Options o, String bootstrap,
            List<String> db, Path logs, List<AutoCloseable> started) throws IOException {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("-jar", jar.toString(), "--server.port=" + port,
                "--sluice.kafka.bootstrap-servers=" + bootstrap));
        args.addAll(db);
        List<String> flags = new ArrayList<>(o.gatewayJvm());
        flags.addAll(extraJvm);
        List<String> jvm = appJvm(o, o.heap());
        if (flags.stream().anyMatch(f -> f.matches("-XX:\\+Use\\w+GC"))) {
            jvm.removeAll(GC); // the caller chose the collector
        }
        jvm.addAll(flags);
        ChildProcess process = ChildProcess.java(name, logs, jvm, args);
        started.add(process);
        return new Gateway(process, "http://127.0.0.1:" + port);
    }

    /** Gateway, scorer and ceiling: {@link #jvm} plus {@link #PAGES}, as the container images start the apps. */
    private static List<String> appJvm(Options o, String heap) {
        List<String> args = jvm(o, heap);
        args.addAll(PAGES);
        return args;
    }

    private static List<String> jvm(Options o, String heap) {
        List<String> args = new ArrayList<>(GC);
        args.add("-Xms" + heap);
        args.add("-Xmx" + heap);
        args.add("-Djava.io.tmpdir=" + o.workDir().resolve("tmp"));
        return args;
    }

    /** A project for one workload and a key with a limit far above any rate the run reaches. */
    String createTenant(String projectId) throws Exception {
        String key = io.sluice.common.auth.ApiKeys.generate();
        try (Connection c = postgres.connect()) {
            DevData.ensureProject(c, projectId, "benchmark " + projectId);
            DevData.ensureKey(c, projectId, key, DevData.ALL_SCOPES);
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET rate_limit_per_minute = 2000000000, "
                    + "rate_limit_burst = 2000000000 WHERE project_id = ?")) {
                ps.setString(1, projectId);
                ps.executeUpdate();
            }
        }
        return key;
    }

    /** The end offset of every partition of the events topic. */
    Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> names = Set.of(topic);
            var partitions = admin.describeTopics(names).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> want = new HashMap<>();
            partitions.forEach(p -> want.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(want).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    /**
     * Events written to the events topic between two offset snapshots: the sum of every record's
     * event-count header (a record carries one request's events).
     */
    long eventsInTopic(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long events = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>(to.keySet());
            consumer.assign(parts);
            parts.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the events topic to its end offsets");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                        Header h = r.headers().lastHeader(EventCodec.COUNT_HEADER);
                        events += h == null ? 1 : Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        return events;
    }

    long storedEvents(String projectId) throws Exception {
        try (Connection c = postgres.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events WHERE project_id = ?")) {
            ps.setString(1, projectId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * How the scorer drained a backlog into PostgreSQL: its rate, its CPU per stored event (every
     * thread, GC and JIT included: what the scorer itself costs, whatever PostgreSQL's share of the
     * cores), and how many cores its JIT compilers used meanwhile: a rate measured while they
     * compile is not the scorer's sustained one.
     */
    record Drain(long expected, long stored, Duration elapsed, double eventsPerSecond, double cpuMicrosPerEvent,
            double compilerCores) {
    }

    /** The scorer's two counters the drain is timed by, read before it is frozen. */
    record ScorerCounters(long consumed, long stored) {
    }

    ScorerCounters scorerCounters() throws Exception {
        return new ScorerCounters(scorerRecordsConsumed(), scorerStoredEvents());
    }

    /**
     * Resumes the scorer and waits until it has stored {@code expected} events more than before
     * it was frozen, or stored nothing for 60 s, then counts the project's rows once for the loss
     * check. Progress is read from the scorer's own counters every 50 ms, not by counting rows: a
     * {@code count(*)} over millions of rows every 50 ms would take a core from PostgreSQL while it
     * is being measured. The rate counts from the sample before its consumer handed over the first
     * records (after it re-joined its group) to the last growth of its stored count ({@link DrainClock}).
     */
    Drain drain(String projectId, long expected, ScorerCounters before) throws Exception {
        Duration cpuBefore = scorer.cpu();
        Duration compilerBefore = scorer.compilerCpu();
        long resumedAt = System.nanoTime();
        scorer.resume();
        DrainClock clock = new DrainClock(before.consumed(), before.stored(), System.nanoTime());
        while (clock.stored() < expected && System.nanoTime() - clock.lastChangeAt() < Duration.ofSeconds(60).toNanos()) {
            Thread.sleep(50);
            // Only until the first records are consumed: each read costs the scorer a little CPU.
            long consumed = clock.started() ? before.consumed() : scorerRecordsConsumed();
            clock.sample(System.nanoTime(), consumed, scorerStoredEvents());
        }
        double compilerCores = (double) scorer.compilerCpu().minus(compilerBefore).toNanos()
                / Math.max(1, System.nanoTime() - resumedAt);
        double cpuMicrosPerEvent = clock.stored() == 0 ? 0
                : scorer.cpu().minus(cpuBefore).toNanos() / 1000.0 / clock.stored();
        // A little longer: a duplicate or a late extra row must show up in the check.
        Thread.sleep(1000);
        long rows = storedEvents(projectId);
        return new Drain(expected, rows, clock.elapsed(), clock.eventsPerSecond(), cpuMicrosPerEvent, compilerCores);
    }

    /** The scorer's {@code sluice_scorer_events_stored} counter: rows it inserted since it started. */
    long scorerStoredEvents() throws Exception {
        return scorerCount("sluice_scorer_events_stored", true);
    }

    /**
     * Records the scorer's consumer handed over from {@value #EVENTS_TOPIC} (Kafka's own counter,
     * through Micrometer); 0 while Micrometer has not registered it yet, and then the drain is timed
     * from the first stored events instead.
     */
    long scorerRecordsConsumed() throws Exception {
        return scorerCount("kafka.consumer.fetch.manager.records.consumed.total?tag=topic:" + EVENTS_TOPIC, false);
    }

    /**
     * Which lz4 code each app's Kafka client runs, from its gauge {@code sluice_kafka_lz4_native}:
     * {@code native}, {@code pure Java} or {@code unknown}. The ceiling and the broker are started from the
     * class path and always run the native code; the apps are executable jars (see docs/benchmarks.md).
     */
    Map<String, String> kafkaLz4() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gateway", lz4(prometheus(gatewayUrl)));
        if (gatewayBUrl != null) {
            m.put("gatewayB", lz4(prometheus(gatewayBUrl)));
        }
        m.put("scorer", lz4(prometheus(scorerUrl)));
        return m;
    }

    static String lz4(String prometheusText) {
        if (prometheusText != null) {
            for (String line : prometheusText.split("\n")) {
                if (line.startsWith("sluice_kafka_lz4_native")) {
                    double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    return v == 1 ? "native" : v == 0 ? "pure Java" : "unknown";
                }
            }
        }
        return "unknown";
    }

    /**
     * The Prometheus text of the app at {@code url} (for a gateway, {@link #gatewayUrl} or {@link #gatewayBUrl}:
     * its send-to-ack and request-time histograms are read from it, see {@link HistogramWindow}); null if it
     * cannot be read (the step is then reported without them).
     */
    String prometheus(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private long scorerCount(String metric, boolean required) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(scorerUrl
                + "/actuator/metrics/" + metric)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404 && !required) {
            return 0;
        }
        if (r.statusCode() != 200) {
            throw new IOException("scorer metrics answered " + r.statusCode() + " for " + metric + ": " + r.body());
        }
        for (JsonNode m : JSON.readTree(r.body()).path("measurements")) {
            if (m.path("statistic").asString().equals("COUNT")) {
                return Math.round(m.path("value").asDouble());
            }
        }
        throw new IOException("no COUNT in the scorer's " + metric + ": " + r.body());
    }

    /**
     * Plain COPY of the same rows into the same table, timed: the median of {@link #COPY_RUNS}
     * runs, whose rates are all kept. One run varied by up to 40 % between workloads minutes apart
     * on one machine, which made a single run a poor yardstick.
     */
    record Copy(long rows, Duration elapsed, double eventsPerSecond, List<Double> runsEventsPerSecond) {
    }

    static final int COPY_RUNS = 3;

    /**
     * Reads up to {@code limit} of the project's stored rows and COPYs them back into
     * {@code events} unchanged except for a new event id and project (the primary key must not
     * collide): the physical limit of writing those rows into that table here.
     */
    Copy copyBack(String projectId, long limit) throws Exception {
        String copyProject = projectId + "-copy";
        try (Connection c = postgres.connect()) {
            DevData.ensureProject(c, copyProject, "COPY comparison for " + projectId);
            List<String> columns = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name FROM "
                    + "information_schema.columns WHERE table_name = 'events' AND table_schema = current_schema() "
                    + "ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            List<Copy> runs = new ArrayList<>();
            for (int run = 1; run <= COPY_RUNS; run++) {
                // Each run gets its own event ids ('ev1_…', 'ev2_…'), so they never collide.
                String idPrefix = "'ev" + run + "'";
                List<String> select = columns.stream().map(col -> switch (col) {
                    case "event_id" -> idPrefix + " || substr(event_id, 4)";
                    case "project_id" -> "'" + copyProject + "'";
                    default -> col;
                }).toList();
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                ByteArrayOutputStream rows = new ByteArrayOutputStream();
                copy.copyOut("COPY (SELECT " + String.join(", ", select) + " FROM events WHERE project_id = '" + projectId
                        + "' LIMIT " + limit + ") TO STDOUT (FORMAT binary)", rows);
                byte[] data = rows.toByteArray();
                long start = System.nanoTime();
                long n = copy.copyIn("COPY events (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)",
                        new ByteArrayInputStream(data));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                runs.add(new Copy(n, elapsed, n / (elapsed.toNanos() / 1e9), List.of()));
            }
            return median(runs);
        }
    }

    static Copy median(List<Copy> runs) {
        List<Copy> sorted = runs.stream().sorted(java.util.Comparator.comparingDouble(Copy::eventsPerSecond)).toList();
        Copy mid = sorted.get(sorted.size() / 2);
        return new Copy(mid.rows(), mid.elapsed(), mid.eventsPerSecond(), runs.stream().map(Copy::eventsPerSecond).toList());
    }

    /** Empties the event tables between workloads, so every workload starts from the same size. */
    void truncateEvents() throws Exception {
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '60s'");
            s.execute("TRUNCATE events, signals, agent_reports, sessions, daily_rollups, event_keys, health_minutes, "
                    + "crash_signatures");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        closeAll(started);
    }

    /** Stops what was started, newest first, each once (the shutdown hook may call it again). */
    private static void closeAll(List<AutoCloseable> started) {
        synchronized (started) {
            for (int i = started.size() - 1; i >= 0; i--) {
                AutoCloseable c = started.remove(i);
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("stopping " + c + ": " + e);
                }
            }
        }
    }
}
