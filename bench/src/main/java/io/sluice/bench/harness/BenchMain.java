package io.sluice.bench.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark harness ({@code ./sluice bench}, docs/benchmarks.md): starts the stack as separate
 * processes, runs every workload against the gateway and the ceiling server, checks that nothing
 * acknowledged was lost, measures the scorer against a plain COPY, prints a table and writes a JSON
 * result file. In A/B mode ({@code --compare-jar}, {@code --compare-jvm}) it compares two gateway
 * builds at one load instead ({@link AbComparison}). Exits 1 when a loss check fails; never judges speed.
 */
public final class BenchMain {

    /** Run settings; {@link #parse} documents each flag. */
    record Options(boolean quick, List<String> workloads, Path out, Path workDir, boolean keep, Duration step,
            Duration measure, double p99BoundMs, double quickRate, Path gatewayJar, Path scorerJar, String classpath,
            String heap, int partitions, long copyLimit, double startRate, List<String> gatewayJvm, Duration warmup,
            Duration jitMax, int warmupRounds, boolean settle, Path compareJar, List<String> compareJvm, int comparePairs,
            double compareRate, String command) {

        boolean compare() {
            return compareJar != null;
        }
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Results r = run(o);
        System.out.println(Report.table(r));
        System.out.println("results: " + o.out().toAbsolutePath());
        System.exit(r.lossFree() ? 0 : 1);
    }

    static Options parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        boolean quick = false;
        boolean keep = false;
        boolean settle = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--keep" -> keep = true;
                case "--settle" -> settle = true;
                default -> {
                    if (!args[i].startsWith("--") || i + 1 >= args.length) {
                        throw new IllegalArgumentException("unknown argument " + args[i] + usage());
                    }
                    a.put(args[i].substring(2), args[++i]);
                }
            }
        }
        if (settle && !quick) {
            throw new IllegalArgumentException("--settle is for --quick runs (a full run always warms each target"
                    + " until its JIT settles)" + usage());
        }
        boolean compare = a.containsKey("compare-jar") || a.containsKey("compare-jvm");
        if (compare && quick) {
            throw new IllegalArgumentException("--compare-jar and --compare-jvm are a mode of their own: it holds one"
                    + " rate (--compare-rate) on both builds, warmed until their JIT settles; drop --quick" + usage());
        }
        if (compare && (a.containsKey("warmup-seconds") || a.containsKey("warmup-rounds"))) {
            throw new IllegalArgumentException("--warmup-seconds and --warmup-rounds warm the scorer, which an A/B"
                    + " comparison does not measure (each gateway is warmed until its JIT settles)" + usage());
        }
        if (!compare && (a.containsKey("compare-pairs") || a.containsKey("compare-rate"))) {
            throw new IllegalArgumentException("--compare-pairs and --compare-rate need --compare-jar or --compare-jvm"
                    + usage());
        }
        int comparePairs = Integer.parseInt(a.getOrDefault("compare-pairs", "16"));
        double compareRate = Double.parseDouble(a.getOrDefault("compare-rate", "50000"));
        if (comparePairs < 1 || compareRate <= 0) {
            throw new IllegalArgumentException("--compare-pairs must be at least 1 and --compare-rate positive" + usage());
        }
        String gatewayJar = a.containsKey("gateway-jar") ? a.get("gateway-jar") : findJar("gateway");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        List<String> workloads = a.containsKey("workloads") ? Arrays.asList(a.get("workloads").split(","))
                : Workload.names();
        workloads.forEach(w -> Workload.named(w, Instant.now()));
        Path work;
        try {
            work = a.containsKey("work-dir") ? Path.of(a.get("work-dir")) : Files.createTempDirectory("sluice-bench-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Options(quick, workloads,
                Path.of(a.getOrDefault("out", "bench/results/" + (quick ? "quick-" : "") + stamp + ".json")),
                work, keep,
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("step-seconds", quick ? "2" : "3"))),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("measure-seconds", quick ? "2" : compare ? "15" : "5"))),
                Double.parseDouble(a.getOrDefault("p99-ms", "50")),
                Double.parseDouble(a.getOrDefault("quick-rate", "500")),
                Path.of(gatewayJar),
                Path.of(a.containsKey("scorer-jar") ? a.get("scorer-jar") : findJar("scorer")),
                a.getOrDefault("classpath", System.getProperty("java.class.path")),
                a.getOrDefault("heap", "1g"),
                Integer.parseInt(a.getOrDefault("partitions", "4")),
                Long.parseLong(a.getOrDefault("copy-limit", "300000")),
                Double.parseDouble(a.getOrDefault("start-rate", "0")),
                flags(a.get("gateway-jvm")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup-seconds", quick || compare ? "0" : "30"))),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("jit-max-seconds", "180"))),
                Integer.parseInt(a.getOrDefault("warmup-rounds", String.valueOf(WARMUP_ROUNDS))),
                settle,
                !compare ? null : Path.of(a.containsKey("compare-jar") ? a.get("compare-jar") : gatewayJar),
                flags(a.get("compare-jvm")), comparePairs, compareRate,
                "./sluice bench " + String.join(" ", args));
    }

    private static List<String> flags(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    static String usage() {
        return """

                usage: ./sluice bench [--quick [--settle]] [--workloads cc-1,cc-10,...] [--out file.json] [--step-seconds 3]
                       [--measure-seconds 5] [--p99-ms 50] [--quick-rate 500] [--heap 1g] [--partitions 4]
                       [--copy-limit 300000] [--start-rate events/s] [--gateway-jvm "-XX:..."]
                       [--warmup-seconds 30 (quick: 0)] [--warmup-rounds 8] [--jit-max-seconds 180]
                       [--work-dir dir] [--keep]
                       ./sluice bench [--compare-jar other-gateway-exec.jar] [--compare-jvm "-XX:..."]
                       [--compare-rate 50000] [--compare-pairs 16] [--measure-seconds 15]
                       [--workloads cc-50] [...]""";
    }

    /** The module's exec jar, from the repository root or from bench/ (where Maven runs the IT). */
    static String findJar(String module) {
        for (Path dir : List.of(Path.of(module, "target"), Path.of("..", module, "target"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    var jar = files.filter(f -> f.getFileName().toString().matches("sluice-" + module + "-.*-exec\\.jar"))
                            .max(Comparator.comparingLong(f -> f.toFile().lastModified()));
                    if (jar.isPresent()) {
                        return jar.get().toString();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no " + module + " exec jar; build first: ./mvnw -pl bench -am package -DskipTests");
    }

    /** Everything one run measured (serialized as the JSON result file). */
    record Results(String command, Instant startedAt, Duration elapsed, Map<String, Object> machine, boolean quick,
            double p99BoundMs, List<WorkloadResult> workloads, Map<String, Object> heapAfterRunMiB) {

        /** An A/B comparison of two gateway builds: its workloads hold a {@link WorkloadResult#comparison()}. */
        boolean compare() {
            return !workloads.isEmpty() && workloads.getFirst().comparison() != null;
        }

        boolean lossFree() {
            return workloads.stream().allMatch(w -> w.loss().ok());
        }
    }

    /**
     * A step's latencies and the cores that the target, the load generator and the whole machine used
     * meanwhile; for the gateway's 50 % and 80 % runs (and its quick step) also its own send-to-ack
     * time ({@code kafkaAck}) and its own time handling the requests ({@code gatewayRequest}),
     * otherwise null.
     */
    record Latency(double targetEventsPerSecond, long requests, double p50Ms, double p99Ms, double p999Ms, double maxMs,
            LoadGenerator.Cores cores, HistogramWindow kafkaAck, HistogramWindow gatewayRequest) {
        static Latency of(LoadGenerator.Step s) {
            return of(s, null, null);
        }

        static Latency of(LoadGenerator.Step s, HistogramWindow kafkaAck, HistogramWindow gatewayRequest) {
            return new Latency(s.targetEventsPerSecond(), s.requestsSent(), s.p(50), s.p(99), s.p(99.9),
                    s.latencyUs().getMaxValue() / 1000.0, s.cores(), kafkaAck, gatewayRequest);
        }
    }

    /**
     * {@code brokerCores}: the broker's cores over the 80 % run (the 50 % run in quick mode), beside
     * that run's {@link LoadGenerator.Cores}.
     */
    record TargetResult(double maxSustainedEventsPerSecond, double searchFoundEventsPerSecond, Latency at50,
            Latency at80, double cpuMicrosPerEvent, double brokerCpuMicrosPerEvent, double brokerCores,
            List<Latency> steps, List<Latency> holds, WarmUp warmUp) {
    }

    /** The warm-up before a target's search (or its quick step with --settle): how long, whether its JIT settled, compiler cores per slice. */
    record WarmUp(long seconds, boolean jitSettled, List<Double> compilerCores, List<Latency> slices) {

        static WarmUp of(JitWarmUp.Outcome warm) {
            return new WarmUp(warm.elapsed().toSeconds(), warm.settled(), warm.compilerCores(),
                    warm.steps().stream().map(Latency::of).toList());
        }
    }

    record Loss(long acknowledged, long unacknowledgedRequestsEvents, long inTopic, long inPostgres, boolean ok,
            String verdict) {
    }

    /**
     * Both targets' CPU per event at one arrival rate: the gateway's 80 % rate (the quick rate in quick
     * mode), where the ceiling runs once more. Each target's own figure comes from its own 80 % run, and
     * CPU per event falls as the rate rises (fuller Kafka batches, fewer wake-ups per request), so
     * only this pair shows what the gateway's own work costs. {@code ceilingStep} is that ceiling run.
     */
    record SameLoad(double eventsPerSecond, double gatewayCpuMicrosPerEvent, double ceilingCpuMicrosPerEvent,
            double gatewayToCeilingCpu, Latency ceilingStep) {
        static SameLoad of(double eventsPerSecond, double gateway, double ceiling, Latency ceilingStep) {
            return new SameLoad(eventsPerSecond, gateway, ceiling, ceiling > 0 ? gateway / ceiling : 0, ceilingStep);
        }
    }

    /**
     * One workload's results. In an A/B comparison ({@code --compare-jar}) {@code comparison} holds the
     * holds of both builds and gateway, ceiling, their ratio, sameLoad, scorer and copy are null;
     * otherwise {@code comparison} is null.
     */
    record WorkloadResult(String name, String dialect, int eventsPerRequest, boolean gzip, double bytesPerEvent,
            TargetResult gateway, TargetResult ceiling, Double gatewayToCeiling, SameLoad sameLoad, Stack.Drain scorer,
            Stack.Copy copy, Double scorerToCopy, Loss loss, List<Double> scorerWarmUpCompilerCores,
            AbComparison.Result comparison) {
    }

    static Results run(Options o) throws Exception {
        Instant started = Instant.now();
        Files.createDirectories(o.workDir());
        double speedAtStart = SpeedProbe.microsPerParse();
        log(String.format(Locale.ROOT, "speed probe before the stack starts: %.1f µs %s", speedAtStart, SpeedProbe.WHAT));
        List<WorkloadResult> results = new ArrayList<>();
        Map<String, Object> heap = new LinkedHashMap<>();
        Stack.Options so = new Stack.Options(o.workDir(), o.gatewayJar(), o.scorerJar(), o.classpath(), o.partitions(),
                o.heap(), o.gatewayJvm(), o.compareJar(), o.compareJvm());
        log("starting Kafka, PostgreSQL, gateway" + (o.compare() ? "s A (" + buildA(o) + ") and B (" + buildB(o) + ")"
                : "") + ", scorer and ceiling server in " + o.workDir());
        Map<String, String> lz4 = new LinkedHashMap<>();
        try (Stack stack = Stack.start(so); LoadGenerator load = new LoadGenerator()) {
            lz4.putAll(stack.kafkaLz4());
            log("Kafka's lz4 code: " + lz4 + " (ceiling and broker: native, started from the class path)");
            for (String name : o.workloads()) {
                Workload w = Workload.named(name, Instant.now());
                results.add(o.compare() ? compareWorkload(o, stack, load, w) : workload(o, stack, load, w));
                // Written after every workload, so a long run that is stopped keeps what it measured.
                write(o, new Results(o.command(), started, Duration.between(started, Instant.now()),
                        machine(speedAtStart, null, lz4), o.quick(), o.p99BoundMs(), results, heap));
            }
            heap.put("gateway", heapMiB(stack.gateway));
            if (stack.gatewayB != null) {
                heap.put("gatewayB", heapMiB(stack.gatewayB));
            }
            if (!o.compare()) { // frozen throughout a comparison: jcmd cannot reach it
                heap.put("scorer", heapMiB(stack.scorer));
            }
            heap.put("ceiling", heapMiB(stack.ceiling));
        } finally {
            if (!o.keep()) {
                deleteTree(o.workDir());
            }
        }
        double speedAtEnd = SpeedProbe.microsPerParse();
        log(String.format(Locale.ROOT, "speed probe after the stack stopped: %.1f µs %s", speedAtEnd, SpeedProbe.WHAT));
        Results r = new Results(o.command(), started, Duration.between(started, Instant.now()),
                machine(speedAtStart, speedAtEnd, lz4), o.quick(), o.p99BoundMs(), results, heap);
        write(o, r);
        return r;
    }

    private static void write(Options o, Results r) throws IOException {
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(o.out().toFile(), r);
    }

    /** Per target: load slices of this length until the compilers are quiet, at least {@code WARMUP_MIN}. */
    static final Duration WARMUP_SLICE = Duration.ofSeconds(10);
    static final Duration WARMUP_MIN = Duration.ofSeconds(20);
    /** Compiler threads at most this share of one core over a slice: the JIT has settled. */
    static final double JIT_SETTLED_CORES = 0.02;

    /** Rate of a warm-up round: modest, so a cold gateway keeps up with it. */
    static final double WARMUP_EVENTS_PER_SECOND = 5_000;
    static final double WARMUP_REQUESTS_PER_SECOND = 1_000;
    /** Warm-up rounds per workload, at most ({@code --warmup-rounds}). */
    static final int WARMUP_ROUNDS = 8;
    /** The scorer's compilers used at most this share of one core while it drained a round: settled. */
    static final double SCORER_JIT_SETTLED_CORES = 0.05;

    /**
     * Rounds of the workload about to be measured, measuring nothing: {@code --warmup-seconds}
     * through the gateway while the scorer is frozen, then the scorer drains that backlog (a
     * backlog, as in the measured drain, so its merging and large transactions compile too). The
     * rounds repeat until the scorer's compilers are quiet during a drain, at most
     * {@code --warmup-rounds} times, and their rows are removed. A scorer warmed only on
     * {@code cc-50} compiled through the whole measured drain of single events: that drain was 20 %
     * slower than the next one of the same workload. Returns the compiler cores of each round.
     */
    private static List<Double> warmUp(Options o, Stack stack, LoadGenerator load, Workload w) throws Exception {
        String project = "bench-warmup-" + w.name();
        String key = stack.createTenant(project);
        double rate = Math.min(WARMUP_EVENTS_PER_SECOND, WARMUP_REQUESTS_PER_SECOND * w.eventsPerRequest());
        List<Double> compilerCores = new ArrayList<>();
        for (int round = 1; round <= o.warmupRounds(); round++) {
            Stack.ScorerCounters before = stack.scorerCounters();
            stack.scorer.pause();
            Map<TopicPartition, Long> offsets = stack.endOffsets(Stack.EVENTS_TOPIC);
            LoadGenerator.Step s = load.run("gateway", stack.gatewayUrl, w, key, rate, o.warmup(), false, stack.gateway);
            long inTopic = stack.eventsInTopic(offsets, stack.endOffsets(Stack.EVENTS_TOPIC));
            Stack.Drain drain = stack.drain(project, inTopic, before);
            stack.truncateEvents();
            compilerCores.add(drain.compilerCores());
            log(String.format(Locale.ROOT, "  warm-up round %d (not measured): %,d events through the gateway in %d s,"
                    + " %,d drained by the scorer at %,.0f events/s, %.1f µs of CPU per event, its compilers using"
                    + " %.2f cores", round, s.eventsAcked(), o.warmup().toSeconds(), drain.stored(),
                    drain.eventsPerSecond(), drain.cpuMicrosPerEvent(), drain.compilerCores()));
            if (drain.compilerCores() <= SCORER_JIT_SETTLED_CORES) {
                break;
            }
        }
        return compilerCores;
    }

    private static String describe(Workload w) {
        return "workload " + w.name() + ": " + w.eventsPerRequest() + " events/request, " + Math.round(w.bytesPerEvent())
                + " bytes/event" + (w.gzip() ? " (gzip)" : "");
    }

    private static WorkloadResult workload(Options o, Stack stack, LoadGenerator load, Workload w) throws Exception {
        String project = "bench-" + w.name();
        String key = stack.createTenant(project);
        log(describe(w));
        List<Double> warmUp = o.warmup().isZero() ? List.of() : warmUp(o, stack, load, w);
        // The scorer is frozen while HTTP is measured, so it does not take the cores; it drains after.
        Stack.ScorerCounters scorerBefore = stack.scorerCounters();
        stack.scorer.pause();
        Map<TopicPartition, Long> before = stack.endOffsets(Stack.EVENTS_TOPIC);
        List<LoadGenerator.Step> gatewaySteps = new ArrayList<>();
        TargetResult gateway = target(o, stack, load, w, "gateway", stack.gatewayUrl, key, false, gatewaySteps);
        TargetResult ceiling = target(o, stack, load, w, "ceiling", stack.ceilingUrl, "unused", true, new ArrayList<>());
        SameLoad sameLoad = sameLoad(o, stack, load, w, gateway, ceiling);
        Map<TopicPartition, Long> after = stack.endOffsets(Stack.EVENTS_TOPIC);
        long acked = gatewaySteps.stream().mapToLong(LoadGenerator.Step::eventsAcked).sum();
        long unacked = gatewaySteps.stream().mapToLong(LoadGenerator.Step::unacknowledgedEvents).sum();
        long inTopic = stack.eventsInTopic(before, after);
        log("  loss check: " + acked + " events acknowledged, " + inTopic + " in " + Stack.EVENTS_TOPIC
                + "; scorer draining");
        Stack.Drain drain = stack.drain(project, inTopic, scorerBefore);
        Loss loss = verdict(acked, unacked, inTopic, drain.stored());
        log("  " + loss.verdict());
        log(String.format(Locale.ROOT, "  scorer drained %,d events at %,.0f events/s, %.1f µs of CPU per event,"
                + " its compilers using %.2f cores", drain.stored(), drain.eventsPerSecond(), drain.cpuMicrosPerEvent(),
                drain.compilerCores()));
        Stack.Copy copy = drain.stored() == 0 ? null : stack.copyBack(project, o.copyLimit());
        stack.truncateEvents();
        Double ratio = ceiling.maxSustainedEventsPerSecond() > 0 && !o.quick()
                ? gateway.maxSustainedEventsPerSecond() / ceiling.maxSustainedEventsPerSecond() : null;
        Double scorerToCopy = copy == null || copy.eventsPerSecond() == 0 ? null : drain.eventsPerSecond() / copy.eventsPerSecond();
        return new WorkloadResult(w.name(), w.dialect(), w.eventsPerRequest(), w.gzip(), w.bytesPerEvent(), gateway, ceiling,
                ratio, sameLoad, drain, copy, scorerToCopy, loss, warmUp, null);
    }

    /**
     * An A/B comparison of two gateway builds on one workload: both warmed until their JIT settles,
     * then {@code --compare-pairs} pairs of {@code --measure-seconds} holds at {@code --compare-rate},
     * alternating A B, B A, ... ({@link AbComparison}); the idle build's CPU is not counted. The loss
     * check covers both builds' requests, warm-up included, against Kafka. No ceiling, no scorer, no COPY.
     */
    private static WorkloadResult compareWorkload(Options o, Stack stack, LoadGenerator load, Workload w)
            throws Exception {
        String project = "bench-" + w.name();
        String key = stack.createTenant(project);
        log(describe(w) + "; A/B comparison, " + o.comparePairs() + " pairs of " + o.measure().toSeconds()
                + " s holds at " + String.format(Locale.ROOT, "%,.0f", o.compareRate()) + " events/s");
        // Frozen for good: the comparison checks its events against Kafka only (verdictWithoutStorage).
        stack.scorer.pause();
        Map<TopicPartition, Long> before = stack.endOffsets(Stack.EVENTS_TOPIC);
        List<LoadGenerator.Step> all = new ArrayList<>();
        double start = o.startRate() > 0 ? o.startRate() : w.eventsPerRequest() == 1 ? 1_000 : 5_000;
        for (String build : List.of("A", "B")) {
            String url = stack.gatewayUrl(build);
            ChildProcess process = stack.gateway(build);
            warmUntilSettled("gateway " + build, process, start, (rate, length) -> {
                LoadGenerator.Step s = load.run("gw-" + build, url, w, key, rate, length, false, process);
                all.add(s);
                return s;
            }, scrape(stack, process), o);
        }
        List<AbComparison.Hold> holds = new ArrayList<>();
        for (int pair = 1; pair <= o.comparePairs(); pair++) {
            for (String build : AbComparison.order(pair)) {
                Timed t = timed(o, load, w, "gw-" + build, stack.gatewayUrl(build), key, false, stack.gateway(build), stack,
                        o.compareRate(), all);
                progress(t, o.p99BoundMs());
                holds.add(new AbComparison.Hold(build, pair, t.latency(), t.step().cpuMicrosPerEvent()));
            }
        }
        AbComparison.Result comparison = AbComparison.of(buildA(o), buildB(o), o.compareRate(), o.measure().toSeconds(),
                holds);
        log("  " + comparison.verdict());
        Map<TopicPartition, Long> after = stack.endOffsets(Stack.EVENTS_TOPIC);
        Loss loss = verdictWithoutStorage(all.stream().mapToLong(LoadGenerator.Step::eventsAcked).sum(),
                all.stream().mapToLong(LoadGenerator.Step::unacknowledgedEvents).sum(), stack.eventsInTopic(before, after));
        log("  " + loss.verdict());
        return new WorkloadResult(w.name(), w.dialect(), w.eventsPerRequest(), w.gzip(), w.bytesPerEvent(), null, null,
                null, null, null, null, null, loss, List.of(), comparison);
    }

    /** Build A of a comparison: its jar, and the JVM flags both builds get. */
    static String buildA(Options o) {
        return o.gatewayJar() + (o.gatewayJvm().isEmpty() ? "" : " " + String.join(" ", o.gatewayJvm()));
    }

    /** Build B: its jar, with the flags both get and its own ({@code --compare-jvm}). */
    static String buildB(Options o) {
        List<String> flags = new ArrayList<>(o.gatewayJvm());
        flags.addAll(o.compareJvm());
        return o.compareJar() + (flags.isEmpty() ? "" : " " + String.join(" ", flags));
    }

    /**
     * The ceiling once more at the gateway's 80 % rate (quick mode: both already ran at the quick
     * rate); null when the gateway sustained nothing.
     */
    private static SameLoad sameLoad(Options o, Stack stack, LoadGenerator load, Workload w, TargetResult gateway,
            TargetResult ceiling) {
        SameLoad same;
        if (o.quick()) {
            same = SameLoad.of(gateway.at50().targetEventsPerSecond(), gateway.cpuMicrosPerEvent(),
                    ceiling.cpuMicrosPerEvent(), ceiling.at50());
        } else if (gateway.at80() == null || gateway.maxSustainedEventsPerSecond() <= 0) {
            return null;
        } else {
            Timed t = timed(o, load, w, "ceiling", stack.ceilingUrl, "unused", true, stack.ceiling, stack,
                    gateway.at80().targetEventsPerSecond(), new ArrayList<>());
            progress(t, o.p99BoundMs());
            same = SameLoad.of(gateway.at80().targetEventsPerSecond(), gateway.cpuMicrosPerEvent(),
                    t.step().cpuMicrosPerEvent(), t.latency());
        }
        log(String.format(Locale.ROOT, "  at the same %,.0f events/s: the gateway spends %.1f µs of CPU per event,"
                + " the ceiling %.1f (%.1f×)", same.eventsPerSecond(), same.gatewayCpuMicrosPerEvent(),
                same.ceilingCpuMicrosPerEvent(), same.gatewayToCeilingCpu()));
        return same;
    }

    /**
     * Nothing acknowledged may be missing from the topic, the topic may hold more only by events
     * of requests that were not acknowledged (a 503 after Kafka got the record anyway), and
     * PostgreSQL must hold exactly what the topic holds.
     */
    static Loss verdict(long acked, long unacked, long inTopic, long stored) {
        String problem = kafkaProblem(acked, unacked, inTopic);
        if (problem == null && stored < inTopic) {
            problem = "LOST: " + (inTopic - stored) + " events in Kafka never reached PostgreSQL";
        } else if (problem == null && stored > inTopic) {
            problem = "DUPLICATED: PostgreSQL holds " + (stored - inTopic) + " events more than Kafka";
        }
        return new Loss(acked, unacked, inTopic, stored, problem == null,
                problem == null ? acknowledged(acked, inTopic) + " = Kafka " + inTopic + " = PostgreSQL " + stored : problem);
    }

    /**
     * The loss check of an A/B comparison: acknowledged against Kafka only ({@code inPostgres} -1). Its
     * scorer stays frozen: a comparison sends tens of millions of events, which would take the scorer
     * longer to store than the comparison took, and it compares gateways.
     */
    static Loss verdictWithoutStorage(long acked, long unacked, long inTopic) {
        String problem = kafkaProblem(acked, unacked, inTopic);
        return new Loss(acked, unacked, inTopic, -1, problem == null, problem == null
                ? acknowledged(acked, inTopic) + " = Kafka " + inTopic + " (PostgreSQL not checked in A/B mode)" : problem);
    }

    private static String kafkaProblem(long acked, long unacked, long inTopic) {
        if (inTopic < acked) {
            return "LOST: " + (acked - inTopic) + " acknowledged events are not in Kafka";
        } else if (inTopic - acked > unacked) {
            return "EXTRA: Kafka holds " + (inTopic - acked) + " events more than were acknowledged or refused";
        }
        return null;
    }

    private static String acknowledged(long acked, long inTopic) {
        return "no loss: acknowledged " + acked + (inTopic > acked ? " (+" + (inTopic - acked)
                + " of requests answered with an error or not at all, which Kafka took anyway)" : "");
    }

    private static TargetResult target(Options o, Stack stack, LoadGenerator load, Workload w, String name, String url,
            String key, boolean fixedAck, List<LoadGenerator.Step> all) {
        ChildProcess process = name.equals("gateway") ? stack.gateway : stack.ceiling;
        // Every step, warm-up slices included, is kept: the loss check counts what each acknowledged.
        java.util.function.BiFunction<Double, Duration, LoadGenerator.Step> run = (rate, length) -> {
            LoadGenerator.Step s = load.run(name, url, w, key, rate, length, fixedAck, process);
            all.add(s);
            return s;
        };
        java.util.function.DoubleFunction<LoadGenerator.Step> at = rate -> run.apply(rate, o.step());
        double start = o.startRate() > 0 ? o.startRate() : w.eventsPerRequest() == 1 ? 1_000 : 5_000;
        Runnable scrape = scrape(stack, process);
        if (o.quick()) {
            // --settle: one rate after the JIT has settled, an A/B of a build or a JVM flag at one
            // load. Otherwise a short warm-up so the first requests do not measure class loading.
            JitWarmUp.Outcome warm = o.settle() ? warmUntilSettled(name, process, start, run, scrape, o) : null;
            if (warm == null) {
                all.add(load.run(name, url, w, key, o.quickRate(), Duration.ofSeconds(1), fixedAck, process));
            }
            Timed t = timed(o, load, w, name, url, key, fixedAck, process, stack, o.quickRate(), all);
            progress(t, o.p99BoundMs());
            return new TargetResult(0, 0, t.latency(), null, t.step().cpuMicrosPerEvent(), t.brokerCpuMicrosPerEvent(),
                    t.brokerCores(), List.of(t.latency()), List.of(), warm == null ? null : WarmUp.of(warm));
        }
        JitWarmUp.Outcome warm = warmUntilSettled(name, process, start, run, scrape, o);
        RateSearch.Outcome found = RateSearch.search(at, start, 4_000_000, 3, o.p99BoundMs(), s -> progress(s, o.p99BoundMs()));
        // The search's rate held as long as the latency runs, stepping down until a hold is sustained.
        RateSearch.Confirmed confirmed = RateSearch.confirm(rate -> run.apply(rate, o.measure()), found.maxSustained(),
                o.p99BoundMs(), s -> progress(s, o.p99BoundMs()));
        double max = confirmed.rate();
        Timed half = timed(o, load, w, name, url, key, fixedAck, process, stack, max * 0.5, all);
        progress(half, o.p99BoundMs());
        Timed eighty = timed(o, load, w, name, url, key, fixedAck, process, stack, max * 0.8, all);
        progress(eighty, o.p99BoundMs());
        log(String.format("  %s sustains %,.0f events/s with p99 <= %.0f ms for %d s (its %d s search steps passed %,.0f)",
                name, max, o.p99BoundMs(), o.measure().toSeconds(), o.step().toSeconds(), found.maxSustained()));
        return new TargetResult(max, found.maxSustained(), half.latency(), eighty.latency(),
                eighty.step().cpuMicrosPerEvent(), eighty.brokerCpuMicrosPerEvent(), eighty.brokerCores(),
                found.steps().stream().map(Latency::of).toList(), confirmed.holds().stream().map(Latency::of).toList(),
                WarmUp.of(warm));
    }

    /**
     * Warm-up (JIT, connection pool, Kafka metadata) until the target's compilers are quiet; not part
     * of any result. {@code scrape} reads the target's metrics before each slice, so the code that
     * serves them is compiled by the end like the rest (until 2026-12-02 it was first read just before
     * the 50 % run, and the gateway compiled it during that run: 232 compilations in 5 s).
     */
    private static JitWarmUp.Outcome warmUntilSettled(String name, ChildProcess process, double start,
            java.util.function.BiFunction<Double, Duration, LoadGenerator.Step> run, Runnable scrape, Options o) {
        JitWarmUp.Outcome warm = JitWarmUp.run(rate -> {
            scrape.run();
            return run.apply(rate, WARMUP_SLICE);
        }, process::compilerCpu, start, WARMUP_SLICE, WARMUP_MIN, o.jitMax(), JIT_SETTLED_CORES, o.p99BoundMs());
        log(String.format("  %s warmed up for %d s (JIT %s; compiler cores per %d s slice: %s)", name,
                warm.elapsed().toSeconds(), warm.settled() ? "settled" : "still compiling at the limit",
                WARMUP_SLICE.toSeconds(), warm.compilerCores().stream().map(c -> String.format("%.2f", c)).toList()));
        return warm;
    }

    /** The base URL of {@code process}'s Prometheus metrics: a gateway's; null for the ceiling, which has none. */
    private static String metricsUrl(Stack stack, ChildProcess process) {
        return process == stack.gateway ? stack.gatewayUrl
                : stack.gatewayB != null && process == stack.gatewayB ? stack.gatewayBUrl : null;
    }

    /**
     * Reads {@code process}'s metrics, as the latency runs do around each run and Prometheus does in
     * production (nothing for the ceiling).
     */
    private static Runnable scrape(Stack stack, ChildProcess process) {
        String url = metricsUrl(stack, process);
        return url == null ? () -> { } : () -> stack.prometheus(url);
    }

    /** A fixed-rate run with the broker's CPU per acknowledged event over the same time. */
    record Timed(LoadGenerator.Step step, double brokerCpuMicrosPerEvent, double brokerCores, HistogramWindow kafkaAck,
            HistogramWindow gatewayRequest) {
        Latency latency() {
            return Latency.of(step, kafkaAck, gatewayRequest);
        }
    }

    private static Timed timed(Options o, LoadGenerator load, Workload w, String name, String url, String key,
            boolean fixedAck, ChildProcess process, Stack stack, double rate, List<LoadGenerator.Step> all) {
        String metricsUrl = metricsUrl(stack, process);
        boolean gateway = metricsUrl != null;
        String before = gateway ? stack.prometheus(metricsUrl) : null;
        Duration brokerBefore = stack.kafka.cpu();
        LoadGenerator.Step s = load.run(name, url, w, key, Math.max(rate, w.eventsPerRequest()), o.measure(), fixedAck,
                process);
        all.add(s);
        Duration broker = stack.kafka.cpu().minus(brokerBefore);
        String after = gateway ? stack.prometheus(metricsUrl) : null;
        HistogramWindow ack = HistogramWindow.between(HistogramWindow.buckets(before), HistogramWindow.buckets(after));
        HistogramWindow handled = HistogramWindow.between(HistogramWindow.requestBuckets(before, w.path()),
                HistogramWindow.requestBuckets(after, w.path()));
        return new Timed(s, s.eventsAcked() == 0 ? 0 : broker.toNanos() / 1000.0 / s.eventsAcked(),
                broker.toNanos() / (double) Math.max(1, s.wall().toNanos()), ack, handled);
    }

    private static void progress(Timed t, double p99BoundMs) {
        progress(t.step(), p99BoundMs);
        if (t.kafkaAck() != null) {
            log(String.format("      the gateway's own send-to-ack time over the step: p50 <= %.1f ms, p99 <= %.1f ms (%d requests)",
                    t.kafkaAck().p50Ms(), t.kafkaAck().p99Ms(), t.kafkaAck().requests()));
        }
        if (t.gatewayRequest() != null) {
            log(String.format("      the gateway's own time handling the requests over the step: p50 <= %.1f ms, p99 <= %.1f ms (%d requests)",
                    t.gatewayRequest().p50Ms(), t.gatewayRequest().p99Ms(), t.gatewayRequest().requests()));
        }
    }

    private static void progress(LoadGenerator.Step s, double p99BoundMs) {
        LoadGenerator.Cores c = s.cores();
        log(String.format("    %-7s %,10.0f events/s: %s p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms (%d requests%s; cores: %s %.2f, load generator %.2f%s)",
                s.target(), s.targetEventsPerSecond(), s.sustained(p99BoundMs) ? "ok  " : "FAIL", s.p(50), s.p(99), s.p(99.9),
                s.requestsSent(), s.clean() ? "" : ", statuses " + s.statuses() + ", failures " + s.failures()
                        + (s.overloaded() ? ", overloaded" : ""),
                s.target(), c.target(), c.loadGenerator(),
                c.machineBusy() == null ? "" : String.format(", machine %.2f", c.machineBusy())));
        if (c.targetWaiting() != null && c.loadGeneratorWaiting() != null) {
            log(String.format("      waiting for a core (threads runnable, no CPU free): %s %.2f, load generator %.2f%s",
                    s.target(), c.targetWaiting(), c.loadGeneratorWaiting(),
                    c.ioStalled() == null ? "" : String.format("; some task stalled on I/O %.0f %% of the step",
                            100 * c.ioStalled())));
        }
    }

    /** Heap used after a full GC, in MiB (from {@code jcmd GC.heap_info}). */
    static Object heapMiB(ChildProcess p) {
        try {
            p.jcmd("GC.run");
            Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(p.jcmd("GC.heap_info"));
            return m.find() ? Math.round(Long.parseLong(m.group(1)) / 1024.0 * 10) / 10.0 : "unknown";
        } catch (Exception e) {
            return "unknown: " + e.getMessage();
        }
    }

    /**
     * The machine, with the speed probe's readings (null: not taken yet) and which lz4 code each app's
     * Kafka client ran ({@link Stack#kafkaLz4()}).
     */
    static Map<String, Object> machine(Double speedAtStart, Double speedAtEnd, Map<String, String> kafkaLz4) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("gc", "G1 (-XX:+UseG1GC in every child JVM); harness: "
                + ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        m.put("pages", "-XX:+UseTransparentHugePages for gateway, scorer and ceiling, as in the container images (not the broker); the kernel's setting: "
                + firstLine(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"), ""));
        m.put("colocated", "load generator, Kafka, PostgreSQL, gateway, scorer and ceiling server on this machine");
        Map<String, Object> speed = new LinkedHashMap<>();
        speed.put("what", SpeedProbe.WHAT);
        speed.put("startMicros", speedAtStart);
        speed.put("endMicros", speedAtEnd);
        m.put("speedProbe", speed);
        m.put("kafkaLz4", new LinkedHashMap<>(kafkaLz4));
        return m;
    }

    private static String firstLine(Path file, String prefix) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void log(String line) {
        System.out.println(DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now()) + " " + line);
        System.out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
