package io.sluice.scorer.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import io.sluice.embedded.DevData;
import io.sluice.embedded.PostgresServer;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The storage measurement in docs/benchmarks.md: the same realistic rows written (A) through the
 * scorer's own path ({@link BatchStore}: COPY to staging, INSERT … SELECT … ON CONFLICT RETURNING,
 * plus derived records, one transaction per batch, over pooled R2DBC connections), (B) by a plain COPY
 * into the same table, the ceiling, and (C) by COPY to staging + INSERT … SELECT alone (what the
 * events table costs without derived records). All in one run. The multi-row INSERT the scorer
 * used before is in the git history; docs/benchmarks.md has its numbers.
 *
 * <p>Run after {@code ./mvnw -q -pl scorer -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/probe.classpath -Dmdep.includeScope=test}:
 * {@code java -cp "$(cat scorer/target/probe.classpath):scorer/target/test-classes:scorer/target/classes"
 * io.sluice.scorer.storage.StorageThroughputProbe 200000 [batch events, default 500] [writers, default 1]}.
 * With more than one writer, A stores that many batches at once (as the scorer's lanes do).
 */
public final class StorageThroughputProbe {

    private static int BATCH = 500;
    private static int WRITERS = 1;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        BATCH = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        WRITERS = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        try (PostgresServer pg = PostgresServer.start(Files.createTempDirectory("storage-probe").resolve("pg"), 0)) {
            DevData.migrate(pg);
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                s.execute("SELECT sluice_ensure_event_partitions(current_date - 2, 4)");
            }
            PostgresqlConnectionFactory factory = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                    .host("127.0.0.1").port(pg.port()).database(PostgresServer.DATABASE)
                    .username(PostgresServer.USER).password(PostgresServer.PASSWORD).build());
            // Pooled, as the scorer runs it (spring.r2dbc.pool): one connection per batch would
            // also measure connecting and creating the staging table every time.
            ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory).maxSize(4).build());
            DatabaseClient db = DatabaseClient.create(pool);
            BatchStore store = new BatchStore(new EventWriter(db),
                    TransactionalOperator.create(new R2dbcTransactionManager(pool)));

            List<CanonicalEvent> events = events(n);
            measure("warm-up", pg, () -> scorerPath(store, events.subList(0, Math.min(n, 2_000))), n / 10);
            double a = measure("A scorer path (COPY+INSERT..SELECT, + derived records, R2DBC)", pg, () -> scorerPath(store, events), n);
            double b = measure("B plain COPY into events (JDBC)", pg, () -> plainCopy(pg, events), n);
            double c = measure("C events only: COPY via R2DBC to staging + INSERT..SELECT", pg, () -> stagedCopy(factory, events), n);
            System.out.printf("%nA / B = %.2f   C / B = %.2f%n", a / b, c / b);
        }
    }

    interface Run {
        void run() throws Exception;
    }

    private static double measure(String name, PostgresServer pg, Run run, int n) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE events, signals, sessions, agent_reports, daily_rollups");
        }
        long t0 = System.nanoTime();
        run.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = n / seconds;
        if (!name.equals("warm-up")) {
            System.out.printf("%-62s %,10.0f events/s  (%.1f s)%n", name, rate, seconds);
        }
        return rate;
    }

    private static void scorerPath(BatchStore store, List<CanonicalEvent> events) {
        Flux.range(0, (events.size() + BATCH - 1) / BATCH)
                .map(i -> events.subList(i * BATCH, Math.min(events.size(), (i + 1) * BATCH)))
                .flatMap(batch -> Mono.fromCallable(() -> TestCopyRows.staged(batch)).subscribeOn(Schedulers.boundedElastic())
                        .flatMap(store::store), WRITERS)
                .blockLast();
    }

    private static void plainCopy(PostgresServer pg, List<CanonicalEvent> events) throws Exception {
        try (Connection c = pg.connect()) {
            byte[] data = TestCopyRows.of(events);
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY events (" + String.join(", ", EventWriter.COLUMNS)
                    + ") FROM STDIN", new java.io.ByteArrayInputStream(data));
        }
    }

    private static void stagedCopy(PostgresqlConnectionFactory factory, List<CanonicalEvent> events) {
        PostgresqlConnection conn = factory.create().block();
        try {
            conn.createStatement("CREATE TEMP TABLE staging (LIKE events) ON COMMIT DELETE ROWS").execute()
                    .flatMap(r -> r.getRowsUpdated()).blockLast();
            for (int i = 0; i < events.size(); i += BATCH) {
                List<CanonicalEvent> part = events.subList(i, Math.min(events.size(), i + BATCH));
                ByteBuf buf = Unpooled.wrappedBuffer(TestCopyRows.of(part));
                conn.beginTransaction().block();
                conn.copyIn("COPY staging (" + String.join(", ", EventWriter.COLUMNS) + ") FROM STDIN", Flux.just(buf)).block();
                conn.createStatement("INSERT INTO events SELECT * FROM staging ON CONFLICT (event_id, occurred_at) DO NOTHING")
                        .execute().flatMap(r -> r.getRowsUpdated()).blockLast();
                conn.commitTransaction().block();
            }
        } finally {
            conn.close().block();
        }
    }

    private static List<CanonicalEvent> events(int n) {
        JsonMapper json = JsonMapper.builder().build();
        JsonNode user = json.readTree("{\"id\":\"usr_9f3a2c\",\"plan\":\"pro\"}");
        JsonNode device = json.readTree("{\"model\":\"iPhone 15 Pro\",\"os\":\"iOS\",\"os_version\":\"18.1\",\"network_type\":\"WiFi\"}");
        JsonNode location = json.readTree("{\"country\":\"GB\",\"city\":\"London\",\"timezone\":\"Europe/London\"}");
        String[] types = {"page_hit", "click", "page_hit", "click", "network_error", "page_hit", "click", "slow_render", "page_hit", "crash"};
        String[] payloads = {"{\"screen\":\"CheckoutScreen\",\"load_time_ms\":320}",
            "{\"element_id\":\"btn-pay\",\"label\":\"Pay Now\",\"screen\":\"CheckoutScreen\",\"x\":194,\"y\":832}",
            "{\"screen\":\"HomeScreen\",\"referrer\":\"PushNotification\",\"load_time_ms\":280}",
            "{\"element_id\":\"btn-upgrade\",\"label\":\"Upgrade\",\"screen\":\"Settings\"}",
            "{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503,\"latency_ms\":4200,\"retries\":2}",
            "{\"screen\":\"Product\",\"load_time_ms\":410}",
            "{\"element_id\":\"btn-buy\",\"screen\":\"Product\"}",
            "{\"screen\":\"ProductDetailScreen\",\"fps\":12,\"jank_frames\":18,\"duration_ms\":3400}",
            "{\"screen\":\"Cart\",\"load_time_ms\":150}",
            "{\"exception\":\"NullPointerException\",\"stack_trace\":\"at com.myapp.Main:42\",\"fatal\":true}"};
        Instant now = Instant.now();
        List<CanonicalEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new CanonicalEvent(Ids.event(), "req_probe", "demo", "my-app", "ios", "2.4.1", "sess_" + (i / 20),
                    types[i % types.length], now.minusMillis(i), now, Dialect.CC, user, device, location,
                    json.readTree(payloads[i % payloads.length]), null, null));
        }
        return out;
    }
}
