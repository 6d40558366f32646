package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HistogramWindowTest {

    /** Prometheus text as the gateway serves it: other metrics around, HELP/TYPE lines, a label besides le. */
    private static String scrape(long le1ms, long le5ms, long le10ms, long le50ms, long inf) {
        return """
                # HELP sluice_kafka_send_seconds Time from send to Kafka ack, per request
                # TYPE sluice_kafka_send_seconds histogram
                sluice_kafka_send_seconds_bucket{application="gateway",le="0.001"} %d
                sluice_kafka_send_seconds_bucket{application="gateway",le="0.005"} %d
                sluice_kafka_send_seconds_bucket{application="gateway",le="0.01"} %d
                sluice_kafka_send_seconds_bucket{application="gateway",le="0.05"} %d
                sluice_kafka_send_seconds_bucket{application="gateway",le="+Inf"} %d
                sluice_kafka_send_seconds_count{application="gateway"} %d
                sluice_kafka_send_seconds_sum{application="gateway"} 12.5
                http_server_requests_seconds_bucket{le="0.005",method="POST"} 999
                """.formatted(le1ms, le5ms, le10ms, le50ms, inf, inf);
    }

    @Test
    void readsTheCumulativeBucketsOfTheSendHistogramOnly() {
        TreeMap<Double, Long> b = HistogramWindow.buckets(scrape(1, 2, 3, 4, 5));
        assertThat(b).containsExactly(Map.entry(0.001, 1L), Map.entry(0.005, 2L), Map.entry(0.01, 3L), Map.entry(0.05, 4L),
                Map.entry(Double.POSITIVE_INFINITY, 5L));
    }

    @Test
    void percentilesComeFromTheDifferenceOfTwoScrapes() {
        // Before the step: 100 acks, all under 1 ms. During it: 1,000 more, 900 under 5 ms, 95 more under
        // 10 ms, 5 under 50 ms. The earlier fast acks must not pull the step's percentiles down.
        var before = HistogramWindow.buckets(scrape(100, 100, 100, 100, 100));
        var after = HistogramWindow.buckets(scrape(100, 1000, 1095, 1100, 1100));
        HistogramWindow step = HistogramWindow.between(before, after);
        assertThat(step.requests()).isEqualTo(1000);
        assertThat(step.p50Ms()).isEqualTo(5.0);
        assertThat(step.p99Ms()).isEqualTo(10.0); // rank 990 of 1,000 falls in the 10 ms bucket (995)
    }

    @Test
    void requestTimesAreReadForOnePathOverEveryStatus() {
        String text = """
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="SUCCESS",status="200",uri="/v1/ingest",le="0.005"} 7.0
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="SUCCESS",status="200",uri="/v1/ingest",le="+Inf"} 9.0
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="CLIENT_ERROR",status="400",uri="/v1/ingest",le="0.005"} 1.0
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="CLIENT_ERROR",status="400",uri="/v1/ingest",le="+Inf"} 1.0
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="SUCCESS",status="200",uri="/v1/ingest/x",le="0.005"} 50.0
                http_server_requests_seconds_bucket{error="none",method="POST",outcome="SUCCESS",status="200",uri="/api/v1/events",le="0.005"} 40.0
                sluice_kafka_send_seconds_bucket{application="gateway",le="0.005"} 3
                """;
        assertThat(HistogramWindow.requestBuckets(text, "/v1/ingest"))
                .containsExactly(Map.entry(0.005, 8L), Map.entry(Double.POSITIVE_INFINITY, 10L));
        assertThat(HistogramWindow.requestBuckets(text, "/api/v1/events")).containsExactly(Map.entry(0.005, 40L));
        assertThat(HistogramWindow.requestBuckets(text, "/nothing")).isEmpty();
        assertThat(HistogramWindow.buckets(text)).containsExactly(Map.entry(0.005, 3L));
    }

    @Test
    void nothingAcknowledgedOrAFailedScrapeGivesNoFigure() {
        var same = HistogramWindow.buckets(scrape(1, 2, 3, 4, 5));
        assertThat(HistogramWindow.between(same, HistogramWindow.buckets(scrape(1, 2, 3, 4, 5)))).isNull();
        assertThat(HistogramWindow.between(null, same)).isNull();
        assertThat(HistogramWindow.between(same, null)).isNull();
        assertThat(HistogramWindow.buckets("")).isEmpty();
        // A scrape that failed (null text) reads as no buckets, and the step as no figure.
        assertThat(HistogramWindow.buckets(null)).isNull();
        assertThat(HistogramWindow.between(HistogramWindow.requestBuckets(null, "/v1/ingest"), same)).isNull();
    }
}
