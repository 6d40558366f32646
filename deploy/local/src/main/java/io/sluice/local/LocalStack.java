package io.sluice.local;

import io.sluice.common.auth.ApiKeys;
import io.sluice.embedded.DevData;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.PostgresServer;
import io.sluice.gateway.GatewayApplication;
import io.sluice.scorer.ScorerApplication;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole of Sluice in one JVM for local use: a KRaft Kafka broker, PostgreSQL, the scorer and
 * the gateway, with data kept under one directory so a restart keeps events. Ctrl-C stops all of
 * it in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    /** Settings, each read from the environment variable of the same name by {@link #main}. */
    public record Options(Path dataDir, int kafkaPort, int kafkaControllerPort, int postgresPort, int gatewayPort,
            int scorerPort, int partitions, String devApiKey, boolean startScorer, List<String> extraArgs) {

        static Options fromEnvironment(Map<String, String> env) {
            return new Options(
                    Path.of(env.getOrDefault("SLUICE_DATA_DIR", ".sluice-data")),
                    Integer.parseInt(env.getOrDefault("SLUICE_KAFKA_PORT", "9092")),
                    Integer.parseInt(env.getOrDefault("SLUICE_KAFKA_CONTROLLER_PORT", "9093")),
                    Integer.parseInt(env.getOrDefault("SLUICE_POSTGRES_PORT", "5433")),
                    Integer.parseInt(env.getOrDefault("SLUICE_GATEWAY_PORT", "8080")),
                    Integer.parseInt(env.getOrDefault("SLUICE_SCORER_PORT", "8081")),
                    Integer.parseInt(env.getOrDefault("SLUICE_KAFKA_PARTITIONS", "4")),
                    blankToNull(env.get("SLUICE_DEV_API_KEY")),
                    true,
                    List.of());
        }
    }

    public static final String DEMO_PROJECT = "demo";
    public static final String EVENTS_TOPIC = "sluice.events";
    public static final String DEAD_LETTER_TOPIC = "sluice.events.dlq";
    public static final String ALERTS_TOPIC = "sluice.alerts";

    private final PostgresServer postgres;
    private final KraftBroker kafka;
    private final ConfigurableApplicationContext scorer;
    private final ConfigurableApplicationContext gateway;
    private final String devApiKey;
    private final boolean devKeyGenerated;

    private LocalStack(PostgresServer postgres, KraftBroker kafka, ConfigurableApplicationContext scorer,
            ConfigurableApplicationContext gateway, String devApiKey, boolean devKeyGenerated) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.scorer = scorer;
        this.gateway = gateway;
        this.devApiKey = devApiKey;
        this.devKeyGenerated = devKeyGenerated;
    }

    public static LocalStack start(Options o) throws Exception {
        Path data = o.dataDir().toAbsolutePath().normalize();
        PostgresServer postgres = PostgresServer.start(data.resolve("postgres"), o.postgresPort());
        KraftBroker kafka = KraftBroker.start(data.resolve("kafka"), o.kafkaPort(), o.kafkaControllerPort());
        kafka.createTopic(EVENTS_TOPIC, o.partitions());
        kafka.createTopic(DEAD_LETTER_TOPIC, 1);
        kafka.createTopic(ALERTS_TOPIC, 1);
        DevData.migrate(postgres);
        boolean generated = o.devApiKey() == null;
        String key = generated ? ApiKeys.generate() : o.devApiKey();
        try (Connection c = postgres.connect()) {
            DevData.ensureProject(c, DEMO_PROJECT, "Demo project");
            DevData.ensureKey(c, DEMO_PROJECT, key, DevData.ALL_SCOPES);
        }
        List<String> common = new ArrayList<>(List.of(
                "--sluice.db.host=127.0.0.1",
                "--sluice.db.port=" + postgres.port(),
                "--sluice.db.name=" + PostgresServer.DATABASE,
                "--sluice.db.user=" + PostgresServer.USER,
                "--sluice.db.password=" + PostgresServer.PASSWORD));
        common.addAll(o.extraArgs());
        ConfigurableApplicationContext scorer = null;
        if (o.startScorer()) {
            List<String> args = new ArrayList<>(common);
            args.add("--server.port=" + o.scorerPort());
            args.add("--sluice.scorer.bootstrap-servers=" + kafka.bootstrapServers());
            scorer = ScorerApplication.builder().registerShutdownHook(false)
                    .initializers(new OwnNettyResources()).run(args.toArray(String[]::new));
        }
        List<String> args = new ArrayList<>(common);
        args.add("--server.port=" + o.gatewayPort());
        args.add("--sluice.kafka.bootstrap-servers=" + kafka.bootstrapServers());
        ConfigurableApplicationContext gateway = GatewayApplication.builder().registerShutdownHook(false)
                .initializers(new OwnNettyResources()).run(args.toArray(String[]::new));
        return new LocalStack(postgres, kafka, scorer, gateway, key, generated);
    }

    public static void main(String[] args) throws Exception {
        LocalStack stack = start(Options.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "sluice-local-stop"));
        System.out.println(stack.banner());
    }

    String banner() {
        String keyLine = devKeyGenerated
                ? "  Dev API key:   " + devApiKey + "   (generated; set SLUICE_DEV_API_KEY to choose one)"
                : "  Dev API key:   from SLUICE_DEV_API_KEY (project '" + DEMO_PROJECT + "', all scopes)";
        return String.join(System.lineSeparator(),
                "",
                "Sluice local stack is up (Ctrl-C stops it)",
                "  Gateway:       http://127.0.0.1:" + gatewayPort() + "   (POST /v1/ingest)",
                "  Scorer:        http://127.0.0.1:" + (scorer == null ? "-" : port(scorer)) + "/actuator/health",
                "  Kafka:         " + kafka.bootstrapServers() + "   (topic " + EVENTS_TOPIC
                        + "; kcat -b " + kafka.bootstrapServers() + " -t " + EVENTS_TOPIC + " -C)",
                "  PostgreSQL:    127.0.0.1:" + postgres.port() + "   (psql postgresql://sluice:sluice@127.0.0.1:"
                        + postgres.port() + "/sluice)",
                "  Data:          " + kafka.dataDir().getParent(),
                keyLine,
                "");
    }

    public int gatewayPort() {
        return port(gateway);
    }

    public String devApiKey() {
        return devApiKey;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KraftBroker kafka() {
        return kafka;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    // Spring's own shutdown hooks are off for both contexts: this one hook stops everything in order.
    /** Stops the gateway first (draining requests), then the scorer, then Kafka and PostgreSQL. */
    @Override
    public void close() {
        gateway.close();
        if (scorer != null) {
            scorer.close();
        }
        kafka.close();
        postgres.close();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
