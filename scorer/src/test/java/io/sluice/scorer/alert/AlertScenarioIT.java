package io.sluice.scorer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.event.EventCodec;
import io.sluice.common.id.Ids;
import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.scorer.alert.Traffic.Incident;
import io.sluice.scorer.alert.Traffic.Kind;
import io.sluice.scorer.support.ScorerHarness;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hours of seeded-random traffic for nine apps through a real Kafka and PostgreSQL: a clean app
 * raises nothing; each injected incident raises exactly one alert of its pattern within two
 * minutes (event time) of its onset, with the window's real numbers in its description; the
 * scorer is restarted in the middle of the incidents; agent reports then acknowledge, resolve and
 * flag alerts; a short incident resolves itself after the hold-down; and the change log reaches
 * the alerts topic in order.
 */
class AlertScenarioIT {

    static final int ONSET = 150;
    static final int RESTART_AT = 156;
    static final int END = 170;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final EventCodec CODEC = new EventCodec();

    final SharedInfrastructure infra = SharedInfrastructure.get();
    final PostgresServer pg = infra.postgres();

    @Test
    void incidentsRaiseExactlyOneAlertEachWithTheirNumbersAcrossARestartAndAgentReportsMoveThem() throws Exception {
        String project = "proj-scn-" + Ids.request().substring(20).toLowerCase(Locale.ROOT);
        String topic = "it-scoring-" + project;
        String alertsTopic = topic + ".alerts";
        infra.kafka().createTopic(topic, 1);
        infra.kafka().createTopic(alertsTopic, 1);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4));
        Map<String, Traffic> apps = new LinkedHashMap<>();
        long seed = Long.getLong("sluice.scenario.seed", 20261123L);
        apps.put("clean", new Traffic(project, "clean", t0, seed++, new Incident(Kind.NONE, 0, 0)));
        apps.put("crash", new Traffic(project, "crash", t0, seed++, new Incident(Kind.CRASH_IOS_18_1, ONSET, END)));
        apps.put("anr", new Traffic(project, "anr", t0, seed++, new Incident(Kind.ANR_ANDROID_14, ONSET, END)));
        apps.put("network", new Traffic(project, "network", t0, seed++, new Incident(Kind.CHECKOUT_ERRORS, ONSET, END)));
        apps.put("slow", new Traffic(project, "slow", t0, seed++, new Incident(Kind.SLOW_PRODUCT_DETAIL, ONSET, END)));
        apps.put("friction", new Traffic(project, "friction", t0, seed++, new Incident(Kind.RAGE_CHECKOUT, ONSET, END)));
        apps.put("burst", new Traffic(project, "burst", t0, seed++, new Incident(Kind.ERROR_BURST, ONSET, END)));
        apps.put("newsig", new Traffic(project, "newsig", t0, seed++, new Incident(Kind.NEW_SIGNATURE, ONSET + 1, END)));
        apps.put("recover", new Traffic(project, "recover", t0, seed, new Incident(Kind.CRASH_IOS_18_1, 100, 106)));
        Map<String, String> expected = Map.of("crash", "crash_rate_spike", "anr", "anr_spike",
                "network", "network_error_spike", "slow", "slow_render_regression", "friction", "friction_spike",
                "burst", "error_burst", "newsig", "new_crash_signature", "recover", "crash_rate_spike");

        String[] args = {"--sluice.scorer.max-poll-records=2000", "--sluice.scoring.alerts-topic=" + alertsTopic,
            "--sluice.scoring.tick=100ms"};
        produce(topic, apps, 0, RESTART_AT);
        try (ConfigurableApplicationContext a = ScorerHarness.start(pg, infra.kafka(), topic, "g-" + project, null, args)) {
            awaitScoredThrough(project, apps.size(), t0.plus(Duration.ofMinutes(RESTART_AT - 3)));
            dump(project, apps);
            assertThat(alerts(project, "crash")).as("the crash incident is alerted before the restart")
                    .filteredOn(r -> r.get("pattern").equals("crash_rate_spike")).hasSize(1);
        }
        // Restarted in the middle of the incidents: the breach continues into the same alerts.
        produce(topic, apps, RESTART_AT, END);
        try (ConfigurableApplicationContext b = ScorerHarness.start(pg, infra.kafka(), topic, "g-" + project, null, args)) {
            awaitScoredThrough(project, apps.size(), t0.plus(Duration.ofMinutes(END - 3)));

            dump(project, apps);
            assertThat(alerts(project, "clean")).as("a clean baseline raises nothing").isEmpty();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                List<Map<String, Object>> mine = alerts(project, e.getKey());
                assertThat(mine).as(e.getKey() + " alerts: " + mine)
                        .filteredOn(r -> r.get("pattern").equals(e.getValue())).hasSize(1);
                Map<String, Object> alert = mine.stream().filter(r -> r.get("pattern").equals(e.getValue())).findFirst()
                        .orElseThrow();
                Traffic traffic = apps.get(e.getKey());
                Instant onset = e.getKey().equals("newsig") ? firstNewSignatureCrash(traffic) : traffic.minute(traffic.incident.onset());
                assertThat((Instant) alert.get("triggered_at")).as(e.getKey() + " detected within 2 minutes of onset")
                        .isBetween(onset, onset.plus(Duration.ofMinutes(2)));
                assertThat((String) alert.get("recommended_action")).contains("/v1/signals?type=");
                assertThat((String[]) alert.get("signal_ids")).isNotEmpty();
                checkNumbers(e.getKey(), traffic, alert);
            }
            Map<String, Object> recovered = alert(project, "recover", "crash_rate_spike");
            assertThat(recovered.get("status")).isEqualTo("resolved");
            assertThat(JSON.readTree((String) recovered.get("resolution")).get("reason").stringValue()).isEqualTo("recovered");
            assertThat(recovered.get("resolved_position")).as("a recovery is not a hand resolution").isNull();
            Map<String, Object> crash = alert(project, "crash", "crash_rate_spike");
            assertThat(crash.get("status")).isEqualTo("open");
            assertThat(crash.get("dimension")).isEqualTo("os=ios 18.1");

            // Agent reports: by alert id, then by signal id only, then asking for a human.
            String crashAlert = (String) crash.get("alert_id");
            report(topic, apps.get("crash"), "working_on_it", "\"alert_ids\":[\"" + crashAlert + "\"]");
            awaitStatus(crashAlert, "acknowledged");
            report(topic, apps.get("crash"), "fixed", "\"alert_ids\":[\"" + crashAlert + "\"],"
                    + "\"root_cause\":\"Null reference on user.profile in guest mode.\",\"fix_applied\":\"Null guard.\","
                    + "\"confidence\":0.99,\"next_action\":\"Close alert.\"");
            awaitStatus(crashAlert, "resolved");
            JsonNode resolution = JSON.readTree((String) alert(crashAlert).get("resolution"));
            assertThat(resolution.get("reason").stringValue()).isEqualTo("fixed");
            assertThat(resolution.get("root_cause").stringValue()).isEqualTo("Null reference on user.profile in guest mode.");
            assertThat(resolution.get("confidence").doubleValue()).isEqualTo(0.99);
            // The fix remembers how far the app had been scored, so the minutes before it never re-open it.
            assertThat(alert(crashAlert).get("resolved_position")).as("resolved_position of a fixed alert").isNotNull();

            Map<String, Object> anr = alert(project, "anr", "anr_spike");
            String anrSignal = ((String[]) anr.get("signal_ids"))[0];
            report(topic, apps.get("anr"), "fixed", "\"signal_ids\":[\"" + anrSignal + "\"]");
            awaitStatus((String) anr.get("alert_id"), "resolved");

            String networkAlert = (String) alert(project, "network", "network_error_spike").get("alert_id");
            report(topic, apps.get("network"), "needs_human", "\"alert_ids\":[\"" + networkAlert + "\"]");
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Boolean.TRUE.equals(alert(networkAlert).get("needs_human")));
            assertThat(alert(networkAlert).get("status")).isEqualTo("open");

            // Scoring goes on after the fix: a report naming nothing, stamped 3 minutes later, moves the
            // crash app's watermark, so minutes whose windows still hold the incident are scored after
            // the alert was fixed. A fix is judged on data after it only: nothing re-opens.
            report(topic, apps.get("crash"), END + 3, "investigating", "\"alert_ids\":[]");
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> query(
                    "SELECT 1 FROM scoring_state WHERE project_id = ? AND app_id = ? AND evaluated_until >= ?", project,
                    "crash", java.time.OffsetDateTime.ofInstant(apps.get("crash").minute(END + 1), java.time.ZoneOffset.UTC))
                    .size() == 1);
            assertThat(alerts(project, "crash")).filteredOn(r -> r.get("pattern").equals("crash_rate_spike")).hasSize(1);

            // The change log, in order, on the alerts topic: every opening, the agent's moves.
            List<JsonNode> published = readChanges(alertsTopic, crashAlert);
            assertThat(published).extracting(c -> c.get("change_id").longValue()).isSorted();
            assertThat(published).filteredOn(c -> c.get("alert").get("id").stringValue().equals(crashAlert))
                    .extracting(c -> c.get("kind").stringValue())
                    .startsWith("alert.opened").contains("alert.updated", "agent_report", "alert.resolved");
            assertThat(published).filteredOn(c -> c.get("kind").stringValue().equals("alert.opened"))
                    .hasSize(expected.size());
            assertThat(published).allSatisfy(c -> assertThat(c.get("project_id").stringValue()).isEqualTo(project));
        }
    }

    /** Prints every alert (kept in the test report for diagnosis). */
    void dump(String project, Map<String, Traffic> apps) throws Exception {
        for (String app : apps.keySet()) {
            alerts(project, app).forEach(r -> System.out.println("ALERT " + app + " " + r.get("pattern") + " "
                    + r.get("dimension") + " " + r.get("status") + " " + r.get("triggered_at") + " " + r.get("description")));
        }
    }

    // --- the alert's numbers, recomputed from the generated traffic ------------------------------

    static void checkNumbers(String app, Traffic t, Map<String, Object> alert) {
        JsonNode ev = JSON.readTree((String) alert.get("evidence"));
        String description = (String) alert.get("description");
        if (app.equals("newsig")) {
            assertThat(description).startsWith("New crash signature on version 2.4.1: IllegalStateException "
                    + "at com.shop.cart.Cart.total(Cart.kt:88). 3 occurrences since");
            return;
        }
        Instant ws = Instant.parse(ev.get("window_start").stringValue());
        Instant we = Instant.parse(ev.get("window_end").stringValue());
        Instant bs = Instant.parse(ev.get("baseline_start").stringValue());
        Instant be = Instant.parse(ev.get("baseline_end").stringValue());
        // An ongoing incident keeps the baseline it opened with: it never lies inside the incident.
        assertThat(be).isBeforeOrEqualTo((Instant) alert.get("triggered_at"));
        boolean appBaseline = ev.get("baseline_scope").stringValue().equals("app");
        String dimension = (String) alert.get("dimension");
        Predicate<Traffic.Session> sessionDim = s -> dimension.equals("app") || dimension.equals("os=" + s.osLabel())
                || dimension.equals("platform=" + s.platform()) || dimension.equals("app_version=" + s.version());
        Predicate<Traffic.Session> sessionBase = appBaseline ? s -> true : sessionDim;
        Predicate<CanonicalEvent> eventDim = e -> dimension.equals("app")
                || dimension.equals("os=" + e.platform() + " " + e.device().get("os_version").stringValue())
                || dimension.equals("platform=" + e.platform()) || dimension.equals("app_version=" + e.appVersion())
                || dimension.equals("key=" + key(e));
        Predicate<CanonicalEvent> eventBase = appBaseline ? e -> true : eventDim;
        switch (app) {
            case "crash", "recover" -> {
                long n = t.crashedSessions(ws, we, sessionDim);
                long d = t.sessions(ws, we, sessionDim);
                long nb = t.crashedSessions(bs, be, sessionBase);
                long db = t.sessions(bs, be, sessionBase);
                assertNumbers(description, "from ([0-9.]+)% to ([0-9.]+)% .*\\((\\d+) crashed of (\\d+) sessions\\)",
                        pct(1 - (double) nb / db), pct(1 - (double) n / d), Long.toString(n), Long.toString(d));
            }
            case "anr" -> {
                long n = t.events("anr", ws, we, eventDim);
                long d = t.sessions(ws, we, sessionDim);
                long nb = t.events("anr", bs, be, eventBase);
                long db = t.sessions(bs, be, sessionBase);
                assertNumbers(description, "from ([0-9.]+) to ([0-9.]+) per 100 sessions.*\\((\\d+) ANRs in (\\d+) sessions\\)",
                        one(100.0 * nb / db), one(100.0 * n / d), Long.toString(n), Long.toString(d));
            }
            case "network" -> {
                long n = t.events("network_error", ws, we, eventDim);
                long d = t.sessions(ws, we, s -> true);
                long nb = t.events("network_error", bs, be, eventBase);
                long db = t.sessions(bs, be, s -> true);
                assertNumbers(description, "from ([0-9.]+) to ([0-9.]+) per 100 sessions.*\\((\\d+) errors",
                        one(100.0 * nb / db), one(100.0 * n / d), Long.toString(n));
            }
            case "slow", "friction" -> {
                String type = app.equals("slow") ? "slow_render" : "friction";
                long n = t.events(type, ws, we, eventDim);
                long d = t.events("page_hit", ws, we, eventDim);
                long nb = t.events(type, bs, be, eventBase);
                long db = t.events("page_hit", bs, be, eventBase);
                assertNumbers(description, "from ([0-9.]+)% to ([0-9.]+)% of screen views.*\\((\\d+) of (\\d+) views\\)",
                        pct((double) nb / db), pct((double) n / d), Long.toString(n), Long.toString(d));
            }
            case "burst" -> {
                long n = t.events("error", ws, we, eventDim);
                long nb = t.events("error", bs, be, eventBase);
                double minutes = Duration.between(bs, be).toMinutes();
                assertNumbers(description, "from ([0-9.]+) to ([0-9.]+) per minute.*\\((\\d+) errors\\)",
                        one(nb / minutes), one(n / (double) Duration.between(ws, we).toMinutes()), Long.toString(n));
            }
            default -> throw new IllegalArgumentException(app);
        }
    }

    static String key(CanonicalEvent e) {
        JsonNode p = e.payload();
        return switch (e.type()) {
            case "network_error" -> p.get("endpoint").stringValue();
            case "error" -> p.get("name").stringValue();
            default -> p.path("screen").asString("");
        };
    }

    static void assertNumbers(String description, String regex, String... expected) {
        Matcher m = Pattern.compile(regex).matcher(description);
        assertThat(m.find()).as("'%s' matches %s", description, regex).isTrue();
        for (int i = 0; i < expected.length; i++) {
            assertThat(m.group(i + 1)).as("number %d of '%s'", i + 1, description).isEqualTo(expected[i]);
        }
    }

    static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f", rate * 100);
    }

    static String one(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static Instant firstNewSignatureCrash(Traffic t) {
        return t.sessions.stream().filter(s -> s.version().equals("2.4.1")).map(Traffic.Session::crashAt)
                .min(Instant::compareTo).orElseThrow();
    }

    // --- plumbing --------------------------------------------------------------------------------

    void produce(String topic, Map<String, Traffic> apps, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int m = from; m < to; m++) {
                for (Traffic t : apps.values()) {
                    for (List<CanonicalEvent> record : t.generate(m, m + 1)) {
                        String session = record.get(0).sessionId();
                        producer.send(new ProducerRecord<>(topic, (t.project + "/" + (session == null ? t.app : session))
                                .getBytes(StandardCharsets.UTF_8), CODEC.encodeBatch(record)));
                    }
                }
            }
            producer.flush();
        }
    }

    void report(String topic, Traffic t, String status, String fields) throws Exception {
        report(topic, t, END, status, fields);
    }

    void report(String topic, Traffic t, int minute, String status, String fields) throws Exception {
        CanonicalEvent report = new CanonicalEvent(Ids.event(), Ids.request(), t.project, t.app, "unknown", null, null,
                "agent_report", t.minute(minute), Instant.now(), Dialect.CC, null, null, null,
                JSON.readTree("{\"agent_id\":\"aa-monitor-v2\",\"status\":\"" + status + "\",\"summary\":\"" + status + "\","
                        + fields + "}"), null, null);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, t.app.getBytes(StandardCharsets.UTF_8), CODEC.encode(report))).get();
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    void awaitScoredThrough(String project, int apps, Instant through) {
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM scoring_state WHERE project_id = ? AND evaluated_until >= ?")) {
                ps.setString(1, project);
                ps.setObject(2, java.time.OffsetDateTime.ofInstant(through, java.time.ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == apps;
                }
            }
        });
    }

    void awaitStatus(String alertId, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> status.equals(alert(alertId).get("status")));
    }

    List<Map<String, Object>> alerts(String project, String app) throws Exception {
        return query("SELECT *, CASE dimension_kind WHEN 'app' THEN 'app' ELSE dimension_kind || '=' || dimension_value "
                + "END AS dimension FROM alerts WHERE project_id = ? AND app_id = ? ORDER BY created_at", project, app);
    }

    Map<String, Object> alert(String project, String app, String pattern) throws Exception {
        return alerts(project, app).stream().filter(r -> r.get("pattern").equals(pattern)).findFirst().orElseThrow();
    }

    Map<String, Object> alert(String alertId) throws Exception {
        return query("SELECT *, '' AS dimension FROM alerts WHERE alert_id = ?", alertId).get(0);
    }

    List<Map<String, Object>> query(String sql, Object... params) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        String name = rs.getMetaData().getColumnLabel(i);
                        Object v = rs.getObject(i);
                        if (v instanceof java.sql.Array array) {
                            v = array.getArray();
                        } else if (v instanceof java.time.OffsetDateTime odt) {
                            v = odt.toInstant();
                        } else if (v instanceof java.sql.Timestamp ts) {
                            v = ts.toInstant();
                        } else if (v != null && v.getClass().getName().equals("org.postgresql.util.PGobject")) {
                            v = v.toString();
                        }
                        row.put(name, v);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    List<JsonNode> readChanges(String topic, String mustContainResolvedOf) {
        List<JsonNode> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "changes-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && seen.stream().noneMatch(c -> c.get("kind").stringValue().equals("alert.resolved")
                    && c.get("alert").get("id").stringValue().equals(mustContainResolvedOf))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(JSON.readTree(r.value()));
                }
            }
        }
        return seen;
    }
}
