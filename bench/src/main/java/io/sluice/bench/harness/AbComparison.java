package io.sluice.bench.harness;

import io.sluice.bench.harness.BenchMain.Latency;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two gateway builds compared at one load ({@code --compare-jar}, {@code --compare-jvm}): holds of the same length
 * alternate between them in pairs, A then B, then B then A, and so on, so a machine whose speed
 * drifts (a shared VM's did by 2× within an hour) moves both builds' figures alike. Each pair
 * gives one quotient of CPU per event, B over A. The summary is their geometric mean with a 95 %
 * confidence interval (Student's t over the quotients' logarithms), their median and range, and
 * how many pairs each build won with a two-sided sign test. Pure arithmetic; {@link BenchMain}
 * runs the holds.
 */
final class AbComparison {

    /** Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom; 30's beyond (a little wide). */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
        2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048, 2.045, 2.042};

    private AbComparison() {
    }

    /** One hold: which build ({@code "A"} or {@code "B"}), its pair (from 1), and what it measured. */
    record Hold(String build, int pair, Latency latency, double cpuMicrosPerEvent) {
    }

    /**
     * The comparison of one workload. {@code buildA}, {@code buildB}: each one's jar and JVM flags.
     * {@code cpuRatios}: per pair, B's CPU per event over A's.
     * {@code meanCpuRatio}: their geometric mean, within {@code lowCpuRatio} to {@code highCpuRatio}
     * with 95 % confidence (both 0 with fewer than two pairs). {@code pairsBCheaper}: pairs where B
     * used less CPU per event (a tie counts for neither and is left out of the sign test).
     * {@code signTestP}: two-sided probability of a split at least this uneven if neither build were
     * cheaper. The builds are called different when the interval leaves out 1.
     */
    record Result(String buildA, String buildB, double eventsPerSecond, long holdSeconds, List<Hold> holds,
            List<Double> cpuRatios, double meanCpuRatio, double lowCpuRatio, double highCpuRatio, double medianCpuRatio,
            double minCpuRatio, double maxCpuRatio, int pairsBCheaper, int pairsACheaper, double signTestP,
            double medianCpuA, double medianCpuB, double medianP99A, double medianP99B, String verdict) {
    }

    /** Pair {@code pair} (from 1) runs A first when odd: A B, B A, A B, ... */
    static List<String> order(int pair) {
        return pair % 2 == 1 ? List.of("A", "B") : List.of("B", "A");
    }

    static Result of(String buildA, String buildB, double eventsPerSecond, long holdSeconds, List<Hold> holds) {
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
        double[] interval = interval(ratios);
        return new Result(buildA, buildB, eventsPerSecond, holdSeconds, List.copyOf(holds), List.copyOf(ratios),
                interval[0], interval[1], interval[2], median(ratios), min(ratios), max(ratios), bCheaper, aCheaper, p,
                median(values(holds, "A", false)), median(values(holds, "B", false)), median(values(holds, "A", true)),
                median(values(holds, "B", true)), verdict(ratios, interval, bCheaper, aCheaper, p));
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /**
     * Geometric mean of the quotients and its 95 % confidence interval, from the mean and standard
     * error of their logarithms; the interval is {0, 0} with fewer than two quotients.
     */
    static double[] interval(List<Double> ratios) {
        int n = ratios.size();
        if (n == 0) {
            return new double[] {0, 0, 0};
        }
        double mean = ratios.stream().mapToDouble(Math::log).average().orElseThrow();
        if (n == 1) {
            return new double[] {Math.exp(mean), 0, 0};
        }
        double variance = ratios.stream().mapToDouble(r -> Math.pow(Math.log(r) - mean, 2)).sum() / (n - 1);
        double half = T975[Math.min(n - 1, T975.length) - 1] * Math.sqrt(variance / n);
        return new double[] {Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half)};
    }

    private static String verdict(List<Double> ratios, double[] interval, int bCheaper, int aCheaper, double p) {
        int n = ratios.size();
        if (n == 0) {
            return "no pair measured CPU per event for both builds: nothing compared";
        }
        String mean = "CPU per event B/A " + percent(interval[0]) + " (geometric mean of " + n + " pair"
                + (n == 1 ? "; no confidence interval from one pair)"
                        : "s; 95 % confidence " + percent(interval[1]) + " to " + percent(interval[2]) + ")");
        String rest = String.format(Locale.ROOT, "; median %s, range %s to %s; B cheaper in %d of %d pairs, A in %d"
                + " (sign test p = %.3f)", percent(median(ratios)), percent(min(ratios)), percent(max(ratios)), bCheaper, n,
                aCheaper, p);
        if (n >= 2 && interval[2] < 1) {
            return "B CHEAPER: " + mean + rest;
        }
        if (n >= 2 && interval[1] > 1) {
            return "A CHEAPER: " + mean + rest;
        }
        return "NOT RESOLVED: " + mean + rest + "; the interval holds no difference, so more pairs or a larger change"
                + " are needed";
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
