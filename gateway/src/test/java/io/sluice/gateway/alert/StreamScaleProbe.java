package io.sluice.gateway.alert;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.sluice.embedded.PostgresServer;
import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.support.AlertFixtures;
import io.sluice.gateway.support.GatewayHarness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.management.ObjectName;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The SSE scale measurement in docs/benchmarks.md: how many concurrent clients one gateway holds
 * on {@code GET /v1/alerts/stream}, the gateway's heap per client, and the delay from a
 * change-log commit to each client's receipt.
 *
 * <p>This JVM runs PostgreSQL (a child process), the in-process Kafka broker and one gateway
 * ({@link GatewayHarness}). The clients run in a <em>second JVM</em> (this class with
 * {@code client} as first argument, forked on the same classpath), so the heap measured here is the
 * gateway's (plus the idle broker's, which is the same with and without clients): heap per client =
 * (used heap after full GC with N clients - the same with 0 clients) / N. The client JVM holds all N
 * connections on one Reactor Netty {@link HttpClient} with its own pool sized for N and two event
 * loops, and keeps per connection only a parser state and one receipt time per change.
 *
 * <p>Per round: connect N clients (at most 200 handshakes in flight), check the server gauge
 * {@code sluice_sse_clients} = N, measure heap, then commit K change-log entries one by one
 * (the scorer's SQL: advisory lock, insert, commit) every {@code spacing} ms, taking the wall clock
 * just before each commit; the client takes the wall clock when the bytes carrying {@code id:} arrive.
 *
 * <p>Each round also prints the gateway JVM's CPU while delivering (user/kernel, by thread group).
 * A warm-up round (1,000 clients, 200 changes) runs first and is not reported. With
 * {@code -Dprobe.histogram=true} it prints which classes grow per client (class histograms).
 *
 * <p>Run (after {@code ./mvnw -B -q install -DskipTests -pl common,deploy/embedded,gateway -am} and
 * {@code ./mvnw -B -q -pl gateway dependency:build-classpath -Dmdep.outputFile=target/probe.classpath
 * -Dmdep.includeScope=test}):
 * {@code java -Xmx2g -cp "$(cat gateway/target/probe.classpath):gateway/target/test-classes:gateway/target/classes"
 * io.sluice.gateway.alert.StreamScaleProbe 1000:20:500 1000:200:20 10000:20:500 10000:200:20 19500:10:1000}
 * — each argument is a round {@code clients:changes:spacingMs}. Both JVMs need an open-files limit
 * above the client count (one descriptor per connection on each side).
 */
public final class StreamScaleProbe {

    static final String PROJECT = "proj-sse-scale";
    static final long CHANGE_LOCK = 0x51_75_1C_E0_A1_E7L;
    static final String PROTOCOL = "@@ ";

    record Round(int clients, int changes, int spacingMs) {
        static Round parse(String s) {
            String[] p = s.split(":");
            return new Round(Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 200,
                    p.length > 2 ? Integer.parseInt(p[2]) : 20);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("client")) {
            Client.run(args);
            return;
        }
        List<Round> rounds = new ArrayList<>();
        for (String a : args) {
            rounds.add(Round.parse(a));
        }
        if (rounds.isEmpty()) {
            rounds = List.of(Round.parse("1000:200:20"), Round.parse("10000:200:20"));
        }
        System.out.printf("machine: %d cores, %s %s, max heap %d MiB, GC %s, open-files limit %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(g -> g.getName()).toList(),
                openFilesLimit());

        PostgresServer pg = SharedInfrastructure.get().postgres();
        try (GatewayHarness gateway = GatewayHarness.start(
                // One key opens every stream here: lift the per-key read limit (opening a stream is a
                // read: burst 100, then 600 a minute), which would refuse nearly all of them (429).
                "--sluice.ratelimit.read-burst=1000000", "--sluice.ratelimit.reads-per-minute=100000000");
             Connection db = pg.connect()) {
            String key = gateway.newKey(PROJECT, List.of(Scopes.READ_ALERTS));
            String alert = new AlertFixtures(pg).alert(PROJECT, "app-scale", "critical", "open", Instant.now(),
                    Instant.now(), "Roll back 4.2.1");
            MeterRegistry meters = gateway.context().getBean(MeterRegistry.class);
            BooleanSupplier noClients = () -> gauge(meters) == 0;
            // Warm-up (JIT, pools, key cache): not reported.
            round(gateway, meters, db, key, alert, new Round(1000, 200, 10), true);
            await(noClients, Duration.ofSeconds(30));
            for (Round r : rounds) {
                round(gateway, meters, db, key, alert, r, false);
                await(noClients, Duration.ofSeconds(60));
            }
        }
        System.exit(0);
    }

    private static void round(GatewayHarness gateway, MeterRegistry meters, Connection db, String key, String alert,
            Round r, boolean warmup) throws Exception {
        PrintStream out = warmup ? new PrintStream(PrintStream.nullOutputStream()) : System.out;
        out.printf("%n== N = %,d clients, K = %d changes every %d ms%n", r.clients, r.changes, r.spacingMs);
        long heap0 = usedHeapAfterGc();
        long fds0 = openFiles();
        Map<String, long[]> histogram0 = HISTOGRAM && !warmup ? histogram() : null;
        try (ClientProcess client = ClientProcess.start(gateway.port(), key, r.clients)) {
            String connected = client.await("connected", Duration.ofMinutes(3));
            out.println("client: " + connected);
            boolean all = await(() -> gauge(meters) == r.clients, Duration.ofSeconds(20));
            out.printf("server gauge sluice_sse_clients = %.0f%s%n", gauge(meters), all ? "" : "  (NOT all connected)");
            long heapN = usedHeapAfterGc();
            double held = gauge(meters);
            out.printf("gateway heap after full GC: %.1f MiB with 0 clients, %.1f MiB with %.0f -> %.1f KiB per client%n",
                    heap0 / 1048576.0, heapN / 1048576.0, held, (heapN - heap0) / 1024.0 / Math.max(1, held));
            out.printf("gateway process open files: %d with 0 clients, %d with %.0f%n", fds0, openFiles(), held);
            if (histogram0 != null) {
                printHistogramGrowth(histogram0, histogram(), held, out);
            }

            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long idleCpu0 = os.getProcessCpuTime();
            long idleT0 = System.nanoTime();
            Thread.sleep((long) r.changes * r.spacingMs);
            double idleCpuShare = (os.getProcessCpuTime() - idleCpu0) / (double) (System.nanoTime() - idleT0);

            Map<String, Long> threads0 = cpuByThreadGroup();
            long[] userSys0 = userSysTicks();
            long base = nextChangeId(db);
            client.send("base " + base + " " + r.changes);
            client.await("ready", Duration.ofSeconds(10));
            long[] committedAt = new long[r.changes];
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < r.changes; i++) {
                long id = change(db, alert, committedAt, i);
                if (id != base + i) {
                    throw new IllegalStateException("change ids are not contiguous: " + id + " != " + (base + i));
                }
                Thread.sleep(r.spacingMs);
            }
            long writeEnd = System.nanoTime();
            long expected = (long) r.changes * r.clients;
            long[] received = new long[1];
            boolean complete = await(() -> {
                String status = client.request("status", "status");
                received[0] = Long.parseLong(status.split(" ")[1]);
                return received[0] >= expected;
            }, Duration.ofSeconds(120));
            long elapsed = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            StringBuilder times = new StringBuilder("times");
            for (long t : committedAt) {
                times.append(' ').append(t);
            }
            client.send(times.toString());
            String result;
            while (!(result = client.await("", Duration.ofSeconds(60))).startsWith("end")) {
                out.println("client: " + result);
            }
            out.printf("deliveries: %,d of %,d%s; writes took %.1f s, last delivery %.1f s after the first write%n",
                    received[0], expected, complete ? "" : " (INCOMPLETE after 120 s)", (writeEnd - t0) / 1e9,
                    elapsed / 1e9);
            out.printf("gateway JVM CPU while delivering: %.1f s over %.1f s (idle with N connected: %.0f %% of a core)"
                    + " -> %.1f us per delivered event (includes the idle share)%n", cpu / 1e9, elapsed / 1e9,
                    idleCpuShare * 100, cpu / 1e3 / Math.max(1, received[0]));
            long[] userSys = userSysTicks();
            Map<String, Long> threads = cpuByThreadGroup();
            out.printf("  of which user %.1f s, kernel %.1f s; by thread (CPU s):", (userSys[0] - userSys0[0]) / 100.0,
                    (userSys[1] - userSys0[1]) / 100.0);
            threads.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 50_000_000L)
                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> out.printf(" %s %.1f,", e.getKey(), e.getValue() / 1e9));
            out.println();
            client.send("quit");
        }
    }

    /** CPU time of this JVM's live threads, grouped by name with the digits taken out. */
    private static Map<String, Long> cpuByThreadGroup() {
        var bean = ManagementFactory.getThreadMXBean();
        Map<String, Long> byGroup = new HashMap<>();
        for (var info : bean.getThreadInfo(bean.getAllThreadIds())) {
            if (info != null) {
                long cpu = bean.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "#"), cpu, Long::sum);
                }
            }
        }
        return byGroup;
    }

    /** utime and stime of this process in clock ticks (1/100 s), from /proc/self/stat. */
    private static long[] userSysTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    /** One change as the scorer writes it (lock, insert, commit); records the wall clock just before commit. */
    private static long change(Connection c, String alertId, long[] committedAt, int i) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHANGE_LOCK);
            lock.execute();
        }
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_changes (alert_id, project_id, app_id, kind, body) "
                + "SELECT a.alert_id, a.project_id, a.app_id, 'alert.updated', jsonb_build_object('alert', jsonb_build_object("
                + "'id', a.alert_id, 'app_id', a.app_id, 'severity', a.severity, 'status', a.status, 'title', a.title, "
                + "'description', a.description, 'signal_ids', to_jsonb(a.signal_ids), 'triggered_at', "
                + "to_char(a.triggered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'pattern', a.pattern, "
                + "'recommended_action', a.recommended_action, 'score', a.score, 'dimension', 'os=ios 18.1', "
                + "'needs_human', a.needs_human)) FROM alerts a WHERE a.alert_id = ? RETURNING change_id")) {
            ps.setString(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        committedAt[i] = wallNanos();
        c.commit();
        c.setAutoCommit(true);
        return id;
    }

    private static long nextChangeId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(change_id), 0) + 1 FROM alert_changes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static double gauge(MeterRegistry meters) {
        return meters.get("sluice_sse_clients").gauge().value();
    }

    /** Smallest used heap seen right after three explicit full GCs (G1 runs System.gc() as a full GC). */
    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static final boolean HISTOGRAM = Boolean.getBoolean("probe.histogram");

    /** Live objects by class (a full GC first), from the HotSpot diagnostic command: class -> {instances, bytes}. */
    private static Map<String, long[]> histogram() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        String text = (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return byClass;
    }

    private static void printHistogramGrowth(Map<String, long[]> before, Map<String, long[]> after,
            double clients, PrintStream out) {
        out.println("largest growth of live objects per client (class: instances, bytes):");
        after.entrySet().stream()
                .map(e -> {
                    long[] b = before.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .limit(30)
                .forEach(e -> out.printf("  %-90s %6.2f  %7.0f B%n", e.getKey(), e.getValue()[0] / clients,
                        e.getValue()[1] / clients));
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static long openFiles() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String openFilesLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.replaceAll("\\s+", " ").substring("Max open files ".length())).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** The client JVM, driven line by line over stdin/stdout; its protocol lines start with {@value #PROTOCOL}. */
    static final class ClientProcess implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private ClientProcess(Process process) {
            this.process = process;
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith(PROTOCOL)) {
                            lines.add(line.substring(PROTOCOL.length()));
                        } else {
                            System.err.println("[client] " + line);
                        }
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "probe-client-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static ClientProcess start(int port, String key, int clients) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    StreamScaleProbe.class.getName(), "client", Integer.toString(port), key, Integer.toString(clients))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new ClientProcess(p);
        }

        void send(String command) {
            in.println(command);
        }

        String request(String command, String prefix) {
            send(command);
            try {
                return await(prefix, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        String await(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException("client: no '" + prefix + "' within " + timeout
                            + (process.isAlive() ? "" : " (client exited " + process.exitValue() + ")"));
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                System.out.println("client: " + line);
            }
        }

        @Override
        public void close() throws InterruptedException {
            send("quit");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * N SSE connections on one Reactor Netty client. Per connection: a 1-byte parser state and the
     * id being read; per change and connection: the receipt time (wall clock, nanoseconds).
     */
    static final class Client {
        private final int n;
        private final byte[] state;
        private final long[] value;
        private volatile long base = Long.MAX_VALUE;
        private volatile long[][] receipts = new long[0][];
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong otherEvents = new AtomicLong();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger ended = new AtomicInteger();
        private volatile String firstError;

        private Client(int n) {
            this.n = n;
            this.state = new byte[n];
            this.value = new long[n];
        }

        static void run(String[] args) throws Exception {
            int port = Integer.parseInt(args[1]);
            String key = args[2];
            int n = Integer.parseInt(args[3]);
            new Client(n).serve(port, key);
        }

        private void serve(int port, String key) throws Exception {
            ConnectionProvider pool = ConnectionProvider.builder("sse-probe").maxConnections(n)
                    .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(5)).build();
            LoopResources loops = LoopResources.create("sse-probe", 2, true);
            HttpClient http = HttpClient.create(pool).runOn(loops).host("127.0.0.1").port(port)
                    .headers(h -> h.set("Authorization", "Bearer " + key).set("Accept", "text/event-stream"));
            long t0 = System.nanoTime();
            Flux.range(0, n).flatMap(i -> Mono.<Boolean>create(done -> open(http, i, done::success)), 200).then().block();
            say("connected %d of %d in %.1f s (refused %d, failed %d%s)", open.get(), n, (System.nanoTime() - t0) / 1e9,
                    refused.get(), failed.get(), firstError == null ? "" : ", first error: " + firstError);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null) {
                String[] w = line.split(" ");
                switch (w[0]) {
                    case "base" -> {
                        int k = Integer.parseInt(w[2]);
                        long[][] r = new long[k][n];
                        receipts = r;
                        base = Long.parseLong(w[1]);
                        say("ready");
                    }
                    case "status" -> say("status %d other %d open %d ended %d", received.get(), otherEvents.get(),
                            open.get() - ended.get(), ended.get());
                    case "times" -> report(Arrays.stream(w).skip(1).mapToLong(Long::parseLong).toArray());
                    case "quit" -> {
                        loops.disposeLater().block(Duration.ofSeconds(10));
                        System.exit(0);
                    }
                    default -> say("unknown command %s", w[0]);
                }
            }
            System.exit(0);
        }

        private void open(HttpClient http, int c, Consumer<Boolean> connected) {
            http.get().uri("/v1/alerts/stream").response((response, body) -> {
                if (response.status().code() != 200) {
                    refused.incrementAndGet();
                    if (firstError == null) {
                        firstError = "HTTP " + response.status().code();
                    }
                    connected.accept(false);
                    return body.then();
                }
                open.incrementAndGet();
                connected.accept(true);
                return body.doOnNext(buf -> parse(c, buf)).then();
            }).subscribe(v -> { }, e -> {
                failed.incrementAndGet();
                if (firstError == null) {
                    firstError = e.toString();
                }
                connected.accept(false);
            }, () -> {
                ended.incrementAndGet();
                connected.accept(false);
            });
        }

        /** Finds {@code id:<digits>} lines; runs on the connection's event loop only. */
        private void parse(int c, ByteBuf buf) {
            long now = 0;
            int st = state[c];
            long v = value[c];
            for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                byte b = buf.getByte(i);
                if (b == '\n') {
                    if (st == 3) {
                        if (now == 0) {
                            now = wallNanos();
                        }
                        record(c, v, now);
                    }
                    st = 0;
                    v = 0;
                } else if (st == 3) {
                    if (b >= '0' && b <= '9') {
                        v = v * 10 + (b - '0');
                    } else if (b != '\r' && b != ' ') {
                        st = 4;
                    }
                } else if (st < 3) {
                    st = b == "id:".charAt(st) ? st + 1 : 4;
                }
            }
            state[c] = (byte) st;
            value[c] = v;
        }

        private void record(int c, long id, long now) {
            long[][] r = receipts;
            long index = id - base;
            if (index >= 0 && index < r.length) {
                r[(int) index][c] = now;
                received.incrementAndGet();
            } else {
                otherEvents.incrementAndGet();
            }
        }

        private void report(long[] committedAt) {
            long[][] r = receipts;
            received.get(); // reads after the event loops' writes
            long[] delays = new long[r.length * n];
            long[] fanout = new long[r.length];
            int count = 0;
            long missing = 0;
            for (int k = 0; k < r.length; k++) {
                long last = 0;
                for (int c = 0; c < n; c++) {
                    if (r[k][c] == 0) {
                        missing++;
                        continue;
                    }
                    long d = r[k][c] - committedAt[k];
                    delays[count++] = d;
                    last = Math.max(last, d);
                }
                fanout[k] = last;
            }
            long[] all = Arrays.copyOf(delays, count);
            Arrays.sort(all);
            Arrays.sort(fanout);
            say("delay commit -> receipt over %,d receipts (%,d missing): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    count, missing, pct(all, 0.50), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            say("fan-out complete (commit -> last client) per change: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    pct(fanout, 0.50), pct(fanout, 0.99), fanout.length == 0 ? 0 : fanout[fanout.length - 1] / 1e6);
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            say("client JVM CPU so far %.1f s", os.getProcessCpuTime() / 1e9);
            say("end");
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return 0;
            }
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
        }

        private static void say(String format, Object... args) {
            System.out.println(PROTOCOL + String.format(format, args));
            System.out.flush();
        }
    }
}
