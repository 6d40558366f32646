package io.sluice.gateway.support;

import io.sluice.common.auth.ApiKeys;
import io.sluice.common.id.Ids;
import io.sluice.embedded.DevData;
import io.sluice.embedded.KraftBroker;
import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.GatewayApplication;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Starts a real gateway (random port) against real Kafka and PostgreSQL that were started first,
 * and creates projects and keys for the tests directly in the database.
 */
public final class GatewayHarness implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final PostgresServer postgres;
    private final KraftBroker kafka;
    private final String topic;

    private GatewayHarness(ConfigurableApplicationContext context, PostgresServer postgres, KraftBroker kafka, String topic) {
        this.context = context;
        this.postgres = postgres;
        this.kafka = kafka;
        this.topic = topic;
    }

    /** A gateway on the shared servers, writing to a topic of its own. */
    public static GatewayHarness start(String... extraArgs) {
        SharedInfrastructure infra = SharedInfrastructure.get();
        return start(infra.postgres(), infra.kafka(), extraArgs);
    }

    public static GatewayHarness start(PostgresServer postgres, KraftBroker kafka, String... extraArgs) {
        return start(postgres, kafka, null, extraArgs);
    }

    /** As above, with the gateway's {@link Clock} replaced (null: the system clock). */
    public static GatewayHarness start(PostgresServer postgres, KraftBroker kafka, Clock clock, String... extraArgs) {
        DevData.migrate(postgres);
        String topic = List.of(extraArgs).stream().filter(a -> a.startsWith("--sluice.kafka.topic="))
                .map(a -> a.substring(a.indexOf('=') + 1)).findFirst().orElse(null);
        if (topic == null) {
            topic = "it-events-" + Ids.request().substring(4).toLowerCase();
            kafka.createTopic(topic, 2);
        }
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.endpoint.health.show-details=always",
                "--sluice.db.host=127.0.0.1",
                "--sluice.db.port=" + postgres.port(),
                "--sluice.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--sluice.kafka.topic=" + topic));
        args.addAll(List.of(extraArgs).stream().filter(a -> !a.startsWith("--sluice.kafka.topic=")).toList());
        ConfigurableApplicationContext context = GatewayApplication.builder().registerShutdownHook(false)
                .initializers((GenericApplicationContext ctx) -> {
                    // Own event loops: several gateways may live in this JVM and close in any order.
                    ctx.registerBean(ReactorResourceFactory.class, () -> {
                        ReactorResourceFactory factory = new ReactorResourceFactory();
                        factory.setUseGlobalResources(false);
                        return factory;
                    });
                    if (clock != null) {
                        ctx.registerBean(Clock.class, () -> clock);
                    }
                })
                .run(args.toArray(String[]::new));
        return new GatewayHarness(context, postgres, kafka, topic);
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public WebTestClient client() {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    public String topic() {
        return topic;
    }

    public KraftBroker kafka() {
        return kafka;
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** A new project with its own id, and a key on it with the given scopes. Returns the key. */
    public String newKey(String projectId, List<String> scopes) {
        String key = ApiKeys.generate();
        try (Connection c = postgres.connect()) {
            DevData.ensureProject(c, projectId, projectId);
            DevData.ensureKey(c, projectId, key, scopes);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return key;
    }

    public void revoke(String key) {
        try (Connection c = postgres.connect()) {
            DevData.revokeKey(c, key);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void restrictApps(String projectId, String... appIds) {
        try (Connection c = postgres.connect();
             var ps = c.prepareStatement("UPDATE projects SET allowed_app_ids = ? WHERE id = ?")) {
            ps.setArray(1, c.createArrayOf("text", appIds));
            ps.setString(2, projectId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pins the dialect of {@code /api/v1/events} for a project (null: detect per request). */
    public void pinEventsDialect(String projectId, String dialect) {
        try (Connection c = postgres.connect();
             var ps = c.prepareStatement("UPDATE projects SET events_dialect = ? WHERE id = ?")) {
            ps.setString(1, dialect);
            ps.setString(2, projectId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
