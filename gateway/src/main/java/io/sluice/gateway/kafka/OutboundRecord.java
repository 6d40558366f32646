package io.sluice.gateway.kafka;

/**
 * One Kafka record to write to the events topic.
 *
 * @param key        partitioning key (project and session), so one session's events stay ordered
 * @param value      encoded canonical event(s)
 * @param format     {@code event} or {@code batch} (the {@code sluice-format} header)
 * @param eventCount number of events in the value (the {@code sluice-events} header)
 */
public record OutboundRecord(byte[] key, byte[] value, String format, int eventCount) {
}
