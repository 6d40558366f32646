package io.sluice.bench.harness;

import io.sluice.bench.harness.BenchMain.Latency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two gateway builds compared at one load ({@code --compare-jar}): holds of the same length
 * alternate between them in pairs, A then B, then B then A, and so on, so a machine whose speed
 * drifts (a shared VM's did by 2× within an hour) moves both builds' figures alike. Each pair
 * gives one quotient of CPU per event, B over A; the summary is their median and range and a sign
 * test of how many pairs favoured B. Pure arithmetic; {@link BenchMain} runs the holds.
 */
final class AbComparison {

    /** A split of the pairs whose sign test gives at most this is reported as a difference. */
    static final double RESOLVED_P = 0.05;

    private AbComparison() {
    }

    /** One hold: which build ({@code "A"} or {@code "B"}), its pair (from 1), and what it measured. */
    record Hold(String build, int pair, Latency latency, double cpuMicrosPerEvent) {
    }

    /**
     * The comparison of one workload. {@code cpuRatios}: per pair, B's CPU per event over A's.
     * {@code pairsBCheaper}: pairs where B used less CPU per event (a tie counts for neither and is
     * left out of the sign test). {@code signTestP}: two-sided probability of a split at least this
     * uneven if neither build were cheaper.
     */
    record Result(String jarA, String jarB, double eventsPerSecond, long holdSeconds, List<Hold> holds,
            List<Double> cpuRatios, double medianCpuRatio, double minCpuRatio, double maxCpuRatio, int pairsBCheaper,
            int pairsACheaper, double signTestP, double medianCpuA, double medianCpuB, double medianP99A,
            double medianP99B, String verdict) {
    }

    /** Pair {@code pair} (from 1) runs A first when odd: A B, B A, A B, ... */
    static List<String> order(int pair) {
        return pair % 2 == 1 ? List.of("A", "B") : List.of("B", "A");
    }

    static Result of(String jarA, String jarB, double eventsPerSecond, long holdSeconds, List<Hold> holds) {
        int pairs = holds.stream().mapToInt(Hold::pair).max().orElse(0);
        List<Double> ratios = new ArrayList<>();
        int bCheaper = 0;
        int aCheaper = 0;
        for (int p = 1; p <= pairs; p++) {
            double a = cpu(holds, "A", p);
            double b = cpu(holds, "B", p);
            if (a <= 0 || b <= 0) {
                continue; // a hold that acknowledged nothing has no CPU per event
            }
            ratios.add(b / a);
            bCheaper += b < a ? 1 : 0;
            aCheaper += a < b ? 1 : 0;
        }
        double p = signTestP(bCheaper, bCheaper + aCheaper);
        double median = median(ratios);
        return new Result(jarA, jarB, eventsPerSecond, holdSeconds, List.copyOf(holds), List.copyOf(ratios), median,
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0), bCheaper, aCheaper, p,
                median(values(holds, "A", false)), median(values(holds, "B", false)), median(values(holds, "A", true)),
                median(values(holds, "B", true)), verdict(ratios, bCheaper, aCheaper, p, median));
    }

    private static String verdict(List<Double> ratios, int bCheaper, int aCheaper, double p, double median) {
        if (ratios.isEmpty()) {
            return "no pair measured CPU per event for both builds: nothing compared";
        }
        String range = String.format(Locale.ROOT, "median of %d pairs %s, range %s to %s", ratios.size(),
                percent(median), percent(ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow()),
                percent(ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow()));
        String split = String.format(Locale.ROOT, "B cheaper in %d of %d pairs, A in %d; sign test p = %.3f", bCheaper,
                ratios.size(), aCheaper, p);
        if (p > RESOLVED_P) {
            return "NOT RESOLVED: CPU per event B/A " + range + "; " + split + " (more pairs, or a larger difference,"
                    + " are needed to tell the builds apart)";
        }
        return (bCheaper > aCheaper ? "B CHEAPER" : "A CHEAPER") + ": CPU per event B/A " + range + "; " + split;
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%+.1f %%", (ratio - 1) * 100);
    }

    private static double cpu(List<Hold> holds, String build, int pair) {
        return holds.stream().filter(h -> h.build().equals(build) && h.pair() == pair).mapToDouble(Hold::cpuMicrosPerEvent)
                .findFirst().orElse(0);
    }

    private static List<Double> values(List<Hold> holds, String build, boolean p99) {
        return holds.stream().filter(h -> h.build().equals(build))
                .map(h -> p99 ? h.latency().p99Ms() : h.cpuMicrosPerEvent()).toList();
    }

    /** The median (the mean of the middle two for an even count); 0 for none, which the JSON file can hold. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Two-sided sign test: the probability, if each pair were a fair coin, of a split at least as
     * uneven as {@code wins} of {@code n}. 1 for no pairs.
     */
    static double signTestP(int wins, int n) {
        if (n == 0) {
            return 1;
        }
        int k = Math.min(wins, n - wins);
        double tail = 0;
        double choose = 1; // C(n, 0)
        for (int i = 0; i <= k; i++) {
            tail += choose;
            choose = choose * (n - i) / (i + 1);
        }
        return Math.min(1, 2 * tail / Math.pow(2, n));
    }
}
