package io.sluice.scorer.consume;

/** One record as the pipeline sees it: no Kafka client types. */
public record ConsumedRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
}
