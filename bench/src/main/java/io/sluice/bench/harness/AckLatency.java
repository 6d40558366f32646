package io.sluice.bench.harness;

import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway's own time from handing a request's records to Kafka to Kafka's ack
 * ({@code sluice_kafka_send_seconds}, a Prometheus histogram) over one step: the difference of two
 * scrapes. It splits the client's latency into what Kafka took and what the gateway and the
 * network took.
 *
 * @param p50Ms upper bound of the histogram bucket holding the median, in ms
 * @param p99Ms the same for the 99th percentile
 * @param requests acks counted over the step
 */
record AckLatency(double p50Ms, double p99Ms, long requests) {

    static final String METRIC = "sluice_kafka_send_seconds_bucket";

    /** Cumulative counts by bucket upper bound (seconds) from Prometheus text; label sets other than {@code le} summed. */
    static TreeMap<Double, Long> buckets(String prometheusText) {
        TreeMap<Double, Long> counts = new TreeMap<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(METRIC + "{")) {
                continue;
            }
            int le = line.indexOf("le=\"");
            int close = line.lastIndexOf('}');
            if (le < 0 || close < 0) {
                continue;
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            String value = line.substring(close + 1).trim().split("\\s+")[0];
            counts.merge(upper, Math.round(Double.parseDouble(value)), Long::sum);
        }
        return counts;
    }

    /**
     * The step's ack latency from the scrapes before and after it; null when either scrape failed
     * or nothing was acknowledged meanwhile.
     */
    static AckLatency between(Map<Double, Long> before, TreeMap<Double, Long> after) {
        if (before == null || after == null) {
            return null;
        }
        TreeMap<Double, Long> step = new TreeMap<>();
        after.forEach((upper, count) -> step.put(upper, count - before.getOrDefault(upper, 0L)));
        long total = step.isEmpty() ? 0 : step.lastEntry().getValue();
        if (total <= 0) {
            return null;
        }
        return new AckLatency(percentileMs(step, total, 0.50), percentileMs(step, total, 0.99), total);
    }

    private static double percentileMs(TreeMap<Double, Long> cumulative, long total, double p) {
        long rank = (long) Math.ceil(p * total);
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
