package io.sluice.bench.harness;

import io.sluice.bench.harness.BenchMain.Latency;
import io.sluice.bench.harness.BenchMain.Results;
import io.sluice.bench.harness.BenchMain.WorkloadResult;
import java.util.Locale;
import java.util.Map;

/** The run as a plain-text table (the JSON file holds every step). */
final class Report {

    private Report() {
    }

    static String table(Results r) {
        StringBuilder b = new StringBuilder();
        b.append("\nSluice benchmark — ").append(r.compare() ? "A/B comparison of two gateway builds at one load"
                : r.quick() ? "QUICK mode (one fixed rate per target; searches for no limit)"
                : "sustained rate = highest arrival rate held with every request 2xx and p99 <= " + fmt(r.p99BoundMs()) + " ms")
                .append('\n');
        r.machine().forEach((k, v) -> {
            if (v instanceof Map<?, ?> probe && k.equals("speedProbe")) {
                b.append("  speed probe: ").append(micros(probe.get("startMicros"))).append(" at the start, ")
                        .append(micros(probe.get("endMicros"))).append(" at the end (").append(probe.get("what")).append(")\n");
            } else {
                b.append("  ").append(k).append(": ").append(v).append('\n');
            }
        });
        b.append("  command: ").append(r.command()).append("\n  elapsed: ").append(r.elapsed().toSeconds()).append(" s\n\n");
        if (r.compare()) {
            comparison(b, r);
        } else if (!r.quick()) {
            b.append(String.format(Locale.ROOT, "%-15s %12s %12s %6s | %-26s | %-26s | %8s %8s%n", "workload",
                    "gateway ev/s", "ceiling ev/s", "ratio", "gateway @50%: p50/p99/p99.9", "gateway @80%: p50/p99/p99.9",
                    "gw µs/ev", "ceil µs/ev"));
            for (WorkloadResult w : r.workloads()) {
                b.append(String.format(Locale.ROOT, "%-15s %,12.0f %,12.0f %6s | %-26s | %-26s | %8.1f %8.1f%n", w.name(),
                        w.gateway().maxSustainedEventsPerSecond(), w.ceiling().maxSustainedEventsPerSecond(),
                        w.gatewayToCeiling() == null ? "-" : String.format(Locale.ROOT, "%.2f", w.gatewayToCeiling()),
                        lat(w.gateway().at50()), lat(w.gateway().at80()), w.gateway().cpuMicrosPerEvent(),
                        w.ceiling().cpuMicrosPerEvent()));
            }
            for (WorkloadResult w : r.workloads()) {
                searched(b, w);
            }
            b.append(String.format(Locale.ROOT, "%nwhere the %d cores went in each target's 80 %% run (cores used on average)%n",
                    Runtime.getRuntime().availableProcessors()));
            b.append(String.format(Locale.ROOT, "%-15s %-8s %12s %7s %7s %9s %7s %7s | %-24s%n", "workload", "target", "ev/s",
                    "target", "broker", "load gen", "other", "idle", "waiting for a core: target / load gen"));
            for (WorkloadResult w : r.workloads()) {
                budget(b, w.name(), "gateway", w.gateway());
                budget(b, w.name(), "ceiling", w.ceiling());
            }
            for (WorkloadResult w : r.workloads()) {
                Latency at80 = w.gateway().at80();
                if (at80 != null) {
                    window(b, w.name(), "send-to-ack time", at80.kafkaAck());
                    window(b, w.name(), "time handling the requests", at80.gatewayRequest());
                }
            }
            sameLoad(b, r);
        } else {
            sameLoad(b, r);
            b.append('\n');
            b.append(String.format(Locale.ROOT, "%-15s %10s | %-26s | %-26s%n", "workload", "ev/s sent", "gateway p50/p99/p99.9",
                    "ceiling p50/p99/p99.9"));
            for (WorkloadResult w : r.workloads()) {
                b.append(String.format(Locale.ROOT, "%-15s %,10.0f | %-26s | %-26s%n", w.name(),
                        w.gateway().at50().targetEventsPerSecond(), lat(w.gateway().at50()), lat(w.ceiling().at50())));
            }
        }
        if (r.compare()) {
            b.append('\n');
            r.workloads().forEach(w -> b.append(String.format(Locale.ROOT, "%-15s loss check: %s%n", w.name(),
                    w.loss().verdict())));
        } else {
            scorer(b, r);
        }
        b.append("\nheap after the run (MiB, after a full GC): ").append(r.heapAfterRunMiB()).append('\n');
        b.append(r.lossFree() ? "LOSS CHECK PASSED for every workload\n" : "LOSS CHECK FAILED\n");
        return b.toString();
    }

    /** The scorer against COPY and the loss check, a line per workload. */
    private static void scorer(StringBuilder b, Results r) {
        b.append(String.format(Locale.ROOT, "%n%-15s %12s %12s %6s | %s%n", "workload", "scorer ev/s", "COPY ev/s", "ratio",
                "loss check (acknowledged = Kafka = PostgreSQL)"));
        for (WorkloadResult w : r.workloads()) {
            b.append(String.format(Locale.ROOT, "%-15s %,12.0f %,12.0f %6s | %s%n", w.name(), w.scorer().eventsPerSecond(),
                    w.copy() == null ? 0 : w.copy().eventsPerSecond(),
                    w.scorerToCopy() == null ? "-" : String.format(Locale.ROOT, "%.2f", w.scorerToCopy()), w.loss().verdict()));
        }
    }

    /** Every hold of an A/B comparison in the order run, then each workload's verdict. */
    private static void comparison(StringBuilder b, Results r) {
        AbComparison.Result first = r.workloads().getFirst().comparison();
        b.append("A = ").append(first.buildA()).append("\nB = ").append(first.buildB()).append('\n');
        b.append(String.format(Locale.ROOT, "%-15s %5s %6s %10s %8s %7s | %-26s | %s%n", "workload", "pair", "build",
                "ev/s", "µs/ev", "cores", "client p50/p99/p99.9", "gateway's own handling p99"));
        for (WorkloadResult w : r.workloads()) {
            for (AbComparison.Hold h : w.comparison().holds()) {
                Latency l = h.latency();
                b.append(String.format(Locale.ROOT, "%-15s %5d %6s %,10.0f %8.2f %7.2f | %-26s | %s%n", w.name(), h.pair(),
                        h.build(), l.targetEventsPerSecond(), h.cpuMicrosPerEvent(), l.cores().target(), lat(l),
                        l.gatewayRequest() == null ? "-" : String.format(Locale.ROOT, "<= %.1f ms", l.gatewayRequest().p99Ms())));
            }
        }
        b.append('\n');
        for (WorkloadResult w : r.workloads()) {
            AbComparison.Result c = w.comparison();
            b.append(String.format(Locale.ROOT, "%s: median µs/event A %.2f, B %.2f; median client p99 A %.1f ms,"
                    + " B %.1f ms%n  %s%n", w.name(), c.medianCpuA(), c.medianCpuB(), c.medianP99A(), c.medianP99B(),
                    c.verdict()));
        }
    }

    /** What the search's short steps passed, beside the rate a longer hold confirmed (the table's). */
    private static void searched(StringBuilder b, WorkloadResult w) {
        if (w.gateway().searchFoundEventsPerSecond() > 0 || w.ceiling().searchFoundEventsPerSecond() > 0) {
            b.append(String.format(Locale.ROOT, "%s: the search's steps passed gateway %,.0f and ceiling %,.0f events/s;"
                    + " held as long as the latency runs, %,.0f and %,.0f%n", w.name(),
                    w.gateway().searchFoundEventsPerSecond(), w.ceiling().searchFoundEventsPerSecond(),
                    w.gateway().maxSustainedEventsPerSecond(), w.ceiling().maxSustainedEventsPerSecond()));
        }
    }

    /** Both targets' CPU per event at one rate: what the gateway's own work costs per event. */
    private static void sameLoad(StringBuilder b, Results r) {
        for (WorkloadResult w : r.workloads()) {
            BenchMain.SameLoad s = w.sameLoad();
            if (s != null) {
                b.append(String.format(Locale.ROOT, "%s: at the same %,.0f events/s the gateway spends %.1f µs of CPU per event,"
                        + " the ceiling %.1f (%.1f×)%n", w.name(), s.eventsPerSecond(), s.gatewayCpuMicrosPerEvent(),
                        s.ceilingCpuMicrosPerEvent(), s.gatewayToCeilingCpu()));
            }
        }
    }

    private static void window(StringBuilder b, String workload, String what, HistogramWindow window) {
        if (window != null) {
            b.append(String.format(Locale.ROOT, "%s: the gateway's own %s in its 80 %% run: p50 <= %.1f ms, p99 <= %.1f ms%n",
                    workload, what, window.p50Ms(), window.p99Ms()));
        }
    }

    /** One row of the core budget: "other" is the machine's busy time no listed process accounts for. */
    private static void budget(StringBuilder b, String workload, String target, BenchMain.TargetResult t) {
        LoadGenerator.Cores c = t.at80() == null ? null : t.at80().cores();
        if (c == null || c.machineBusy() == null) {
            b.append(String.format(Locale.ROOT, "%-15s %-8s %12s   (no /proc/stat: not measured)%n", workload, target, "-"));
            return;
        }
        double other = c.machineBusy() - c.target() - t.brokerCores() - c.loadGenerator();
        // The broker's window is a little wider than the step's: a small negative remainder (seen down
        // to -0.01) is that mismatch, not a finding.
        other = other < 0 && other > -0.02 ? 0 : other;
        double idle = Runtime.getRuntime().availableProcessors() - c.machineBusy();
        String waiting = c.targetWaiting() == null || c.loadGeneratorWaiting() == null ? "-"
                : String.format(Locale.ROOT, "%.2f / %.2f", c.targetWaiting(), c.loadGeneratorWaiting());
        b.append(String.format(Locale.ROOT, "%-15s %-8s %,12.0f %7.2f %7.2f %9.2f %7.2f %7.2f | %s%n", workload, target,
                t.at80().targetEventsPerSecond(), c.target(), t.brokerCores(), c.loadGenerator(), other, idle, waiting));
    }

    private static String lat(Latency l) {
        return l == null ? "-" : String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms", l.p50Ms(), l.p99Ms(), l.p999Ms());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String micros(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.1f µs", n.doubleValue()) : "-";
    }
}
