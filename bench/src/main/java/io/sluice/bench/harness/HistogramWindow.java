package io.sluice.bench.harness;

import java.util.Map;
import java.util.TreeMap;

/**
 * Percentiles of one of the gateway's Prometheus histograms over one step: the difference of two
 * scrapes. Two are read: its time from handing a request's records to Kafka to Kafka's ack
 * ({@link #KAFKA_SEND}) and its time handling the workload's requests ({@link #REQUESTS} for the
 * workload's path, from WebFlux receiving a request to its response written). Beside the client's
 * latency they split it into what Kafka took, what the gateway's handling took, and what was spent before the
 * gateway's handler or on the way back (the event loops' queues, the kernel, the load generator).
 *
 * @param p50Ms upper bound of the histogram bucket holding the median, in ms
 * @param p99Ms the same for the 99th percentile
 * @param requests observations counted over the step (acks, or requests handled)
 */
record HistogramWindow(double p50Ms, double p99Ms, long requests) {

    static final String KAFKA_SEND = "sluice_kafka_send_seconds_bucket";
    static final String REQUESTS = "http_server_requests_seconds_bucket";

    /** The send-to-ack histogram's cumulative counts; see {@link #buckets(String, String, String)}. */
    static TreeMap<Double, Long> buckets(String prometheusText) {
        return buckets(prometheusText, KAFKA_SEND, null);
    }

    /** One endpoint's request-time histogram's cumulative counts (every method, status and outcome). */
    static TreeMap<Double, Long> requestBuckets(String prometheusText, String path) {
        return buckets(prometheusText, REQUESTS, "uri=\"" + path + "\"");
    }

    /**
     * Cumulative counts by bucket upper bound (seconds) of {@code metric} from Prometheus text, over
     * the series whose labels contain {@code label} (all when null); label sets other than
     * {@code le} summed. Null when the text is (a scrape that failed).
     */
    static TreeMap<Double, Long> buckets(String prometheusText, String metric, String label) {
        if (prometheusText == null) {
            return null;
        }
        TreeMap<Double, Long> counts = new TreeMap<>();
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            int le = line.indexOf("le=\"");
            int close = line.lastIndexOf('}');
            if (le < 0 || close < 0 || label != null && !line.substring(0, close).contains(label)) {
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
     * The step's percentiles from the scrapes before and after it; null when either scrape failed
     * or nothing was counted meanwhile.
     */
    static HistogramWindow between(Map<Double, Long> before, TreeMap<Double, Long> after) {
        if (before == null || after == null) {
            return null;
        }
        TreeMap<Double, Long> step = new TreeMap<>();
        after.forEach((upper, count) -> step.put(upper, count - before.getOrDefault(upper, 0L)));
        long total = step.isEmpty() ? 0 : step.lastEntry().getValue();
        if (total <= 0) {
            return null;
        }
        return new HistogramWindow(percentileMs(step, total, 0.50), percentileMs(step, total, 0.99), total);
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
