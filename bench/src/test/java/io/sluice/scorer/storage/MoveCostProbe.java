package io.sluice.scorer.storage;

import io.sluice.bench.RealisticBodies;
import io.sluice.common.event.EventCodec;
import io.sluice.embedded.DevData;
import io.sluice.embedded.PostgresServer;
import io.sluice.gateway.ingest.CcBatchParser;
import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.ParsedBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * What storing a batch costs PostgreSQL, step by step, on the rows the benchmark harness sends
 * ({@code cc-50} bodies through the gateway's parser and codec and the scorer's COPY rows), against
 * plain COPY of the same rows into {@code events}: COPY into the staging table, the scorer's move
 * statement, and the commit, per 1,000 events. One connection, 5,000-event transactions as the
 * scorer makes them, after a preload so indexes are not empty; the variants and plain COPY take
 * turns batch by batch while the table grows. Not a test; see docs/benchmarks.md.
 *
 * <pre>
 * ./mvnw -q install -DskipTests
 * ./mvnw -q -pl bench test-compile dependency:build-classpath -Dmdep.outputFile=target/probe.classpath -Dmdep.includeScope=test
 * java -cp "$(cat bench/target/probe.classpath):bench/target/test-classes:bench/target/classes" \
 *     io.sluice.scorer.storage.MoveCostProbe [preload events, 200000] [rounds, 16] [name=statement.sql ...]
 * </pre>
 *
 * Each {@code name=file} is a variant of the move statement to time beside the scorer's (its
 * first column must count the rows inserted); {@code --dump=file} writes the scorer's statement to
 * start one from. With {@code EXPLAIN} set in the environment, the plan with timings of one more
 * batch is printed.
 */
public final class MoveCostProbe {

    private static final int BATCH = 5_000;
    private static final String PLAIN_COPY = "plain COPY";

    private final CcBatchParser parser = CcBatchParser.create(IngestProperties.defaults(), Clock.systemUTC());
    private final EventCodec codec = new EventCodec();
    private final CopyRows rows = new CopyRows();
    private final String columns = String.join(", ", EventWriter.COLUMNS);
    private int requests;

    public static void main(String[] args) throws Exception {
        int preload = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("scorer", EventWriter.MOVE);
        for (int i = 2; i < args.length; i++) {
            String[] nameFile = args[i].split("=", 2);
            if (nameFile[0].equals("--dump")) {
                Files.writeString(Path.of(nameFile[1]), EventWriter.MOVE);
            } else {
                statements.put(nameFile[0], Files.readString(Path.of(nameFile[1])));
            }
        }
        new MoveCostProbe().run(preload, rounds, statements);
    }

    private void run(int preload, int rounds, Map<String, String> statements) throws Exception {
        try (PostgresServer pg = PostgresServer.start(Files.createTempDirectory("move-cost").resolve("pg"), 0)) {
            DevData.migrate(pg);
            try (Connection c = pg.connect()) {
                DevData.ensureProject(c, "prj_scorer", "scorer rows");
                DevData.ensureProject(c, "prj_copy", "plain COPY rows");
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT sluice_ensure_event_partitions(current_date - 2, 4)");
                    s.execute(EventWriter.CREATE_STAGING);
                }
                c.setAutoCommit(false);
                for (int i = 0; i < preload / BATCH; i++) {
                    stage(c);
                    move(c, EventWriter.MOVE);
                    c.commit();
                }
                Map<String, long[]> nanos = new LinkedHashMap<>();
                statements.keySet().forEach(name -> nanos.put(name, new long[3]));
                nanos.put(PLAIN_COPY, new long[3]);
                for (int round = 0; round < rounds; round++) {
                    for (Map.Entry<String, long[]> e : nanos.entrySet()) {
                        long[] t = e.getValue();
                        long start = System.nanoTime();
                        if (e.getKey().equals(PLAIN_COPY)) {
                            copy(c, "events", "prj_copy");
                            c.commit();
                            t[0] += System.nanoTime() - start;
                            continue;
                        }
                        stage(c);
                        long staged = System.nanoTime();
                        move(c, statements.get(e.getKey()));
                        long moved = System.nanoTime();
                        c.commit();
                        t[0] += staged - start;
                        t[1] += moved - staged;
                        t[2] += System.nanoTime() - moved;
                    }
                }
                double thousands = rounds * BATCH / 1000.0;
                System.out.printf("ms per 1,000 events (%d rounds of %,d, after %,d preloaded):%n", rounds, BATCH, preload);
                nanos.forEach((name, t) -> System.out.printf("%-12s COPY %5.1f  move %5.1f  commit %5.1f  total %5.1f%n",
                        name, t[0] / 1e6 / thousands, t[1] / 1e6 / thousands, t[2] / 1e6 / thousands,
                        (t[0] + t[1] + t[2]) / 1e6 / thousands));
                if (System.getenv("EXPLAIN") != null) {
                    stage(c);
                    try (Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + EventWriter.MOVE)) {
                        while (rs.next()) {
                            System.out.println(rs.getString(1));
                        }
                    }
                    c.commit();
                }
            }
        }
    }

    /** One transaction's worth of harness rows into the staging table. */
    private void stage(Connection c) throws Exception {
        copy(c, "sluice_staging", "prj_scorer");
    }

    private void copy(Connection c, String table, String project) throws Exception {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN",
                new ByteArrayInputStream(rows(project)));
    }

    private void move(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
            if (!rs.next() || rs.getLong(1) != BATCH) {
                throw new IllegalStateException("the statement did not insert the " + BATCH + " staged rows");
            }
        }
    }

    /** COPY text of fresh events (new ids) in the harness's {@code cc-50} bodies, as the scorer writes it. */
    private byte[] rows(String project) {
        StringBuilder out = new StringBuilder(BATCH * 700);
        Instant now = Instant.now();
        for (int i = 0; i < BATCH / 50; i++) {
            byte[] body = RealisticBodies.harnessCc(50, now, requests * 50).getBytes(StandardCharsets.UTF_8);
            ParsedBatch batch = parser.parse(body, project, "req_probe" + requests++, now);
            rows.append(codec.encodeBatch(batch.accepted(), batch.raw()), out);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
