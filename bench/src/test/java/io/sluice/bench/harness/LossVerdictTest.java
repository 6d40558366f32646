package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The loss check's rules on hand-made counts. */
class LossVerdictTest {

    @Test
    void equalCountsPass() {
        assertThat(BenchMain.verdict(1000, 0, 1000, 1000).ok()).isTrue();
    }

    @Test
    void anAcknowledgedEventMissingFromKafkaFails() {
        assertThat(BenchMain.verdict(1000, 0, 999, 999).verdict()).startsWith("LOST: 1 acknowledged");
    }

    @Test
    void extraEventsInKafkaPassOnlyWhenRefusedRequestsExplainThem() {
        // A 503 after Kafka took the record anyway: the events are in Kafka but were not acknowledged.
        assertThat(BenchMain.verdict(1000, 50, 1050, 1050).ok()).isTrue();
        assertThat(BenchMain.verdict(1000, 50, 1050, 1050).verdict()).isEqualTo("no loss: acknowledged 1000 (+50 of"
                + " requests answered with an error or not at all, which Kafka took anyway) = Kafka 1050 = PostgreSQL 1050");
        assertThat(BenchMain.verdict(1000, 50, 1000, 1000).verdict())
                .isEqualTo("no loss: acknowledged 1000 = Kafka 1000 = PostgreSQL 1000");
        assertThat(BenchMain.verdict(1000, 10, 1050, 1050).verdict()).startsWith("EXTRA: Kafka holds 50");
    }

    @Test
    void postgresMustHoldExactlyWhatKafkaHolds() {
        assertThat(BenchMain.verdict(1000, 0, 1000, 990).verdict()).startsWith("LOST: 10 events in Kafka");
        assertThat(BenchMain.verdict(1000, 0, 1000, 1001).verdict()).startsWith("DUPLICATED: PostgreSQL holds 1");
    }

    @Test
    void theAcceptedCountIsReadFromEachDialectsAnswer() {
        assertThat(LoadGenerator.number("{\"accepted\": 42, \"rejected\": 0}", "\"accepted\"")).isEqualTo(42);
        assertThat(LoadGenerator.number("{\"data\":{\"accepted\":100,\"rejected\":3}}", "\"rejected\"")).isEqualTo(3);
        assertThat(LoadGenerator.number("{\"ok\":true}", "\"accepted\"")).isZero();
    }

    @Test
    void anAbComparisonChecksKafkaOnlyAndSaysSo() {
        BenchMain.Loss ok = BenchMain.verdictWithoutStorage(1000, 50, 1050);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.inPostgres()).isEqualTo(-1);
        assertThat(ok.verdict()).endsWith("= Kafka 1050 (PostgreSQL not checked in A/B mode)");
        assertThat(BenchMain.verdictWithoutStorage(1000, 0, 999).verdict()).startsWith("LOST: 1 acknowledged");
        assertThat(BenchMain.verdictWithoutStorage(1000, 10, 1050).ok()).isFalse();
    }
}
