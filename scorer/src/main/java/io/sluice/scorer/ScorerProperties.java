package io.sluice.scorer;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The scorer's consumer and writer ({@code sluice.scorer.*}).
 *
 * @param bootstrapServers Kafka bootstrap servers. Default {@code localhost:9092}.
 * @param topic            events topic. Default {@code sluice.events}.
 * @param groupId          consumer group; replicas with the same group share partitions.
 *                         Default {@code sluice-scorer}.
 * @param maxPollRecords   records per poll (a record holds one request's events). Default 2000:
 *                         a poll's memory is records times record size, and Kafka's fetch limits
 *                         count compressed bytes, so this is what bounds a poll of large records.
 *                         Polls of small records are merged instead (see {@code mergeBytes}).
 * @param writers          a poll's records are spread over this many writer lanes by record key
 *                         (project and session), each storing in its own transactions on its own
 *                         connection, in parallel (one key's records stay in one lane, in order).
 *                         Default 2 (4 lanes made smaller transactions and drained slower).
 * @param batchEvents      most events stored in one transaction; a lane's share of a poll is
 *                         split into transactions of at most this many. Default 5000.
 * @param pollTimeout    longest the consumer thread blocks in one poll. An offset commit waits for
 *                         the poll in progress (while the pipeline is busy the consumer polls
 *                         paused partitions), so this bounds the time from stored to committed;
 *                         at Kafka's usual 100ms, polls of single-event records spent half their
 *                         time waiting for it (the next poll is now stored meanwhile). Default 10ms.
 * @param retryMin         first back-off after a failed write. Default 200ms.
 * @param retryMax         longest back-off between write attempts (retried until it succeeds;
 *                         meanwhile nothing is committed and polling pauses). Default 10s.
 * @param drainTimeout     on shutdown, how long to wait for the batch in flight. Default 20s.
 * @param mergeBytes       consecutive polls are merged into one stored batch (committed once,
 *                         after all of it is stored) until their record values reach this many
 *                         bytes: a backlog of small records is then stored in fewer, larger
 *                         transactions, a poll of large records is not merged. 0 stores every
 *                         poll on its own. Default 16MB.
 * @param mergeWait        a merged batch is also closed this long after its first poll arrived,
 *                         so light traffic is not held back waiting for the budget. Default
 *                         250ms (a poll took 25–70 ms under load on the benchmark machine, so
 *                         50ms closed batches after two or three polls).
 * @param consumer         any other consumer settings, passed through verbatim.
 * @param partitionsAhead  day partitions of {@code events} kept ready beyond today. Default 7.
 * @param retention        day partitions older than this are dropped. Default 400d (longer than
 *                         the gateway's 366-day event-age limit, so nothing accepted is dropped
 *                         before a year; lower both together).
 * @param partitionCheck   how often partitions are created and dropped. Default 1h.
 * @param deadLetterTopic  where undecodable records go, with the reason in a header. Default
 *                         {@code sluice.events.dlq}.
 * @param idempotencyWindow how long a client idempotency key (the flat dialect's
 *                         {@code event_id}) is remembered: a resend within it is stored once even
 *                         when its event time differs. Default 7d (the contract asks for 24h).
 */
@Validated
@ConfigurationProperties("sluice.scorer")
public record ScorerProperties(
        @NotBlank String bootstrapServers,
        @NotBlank String topic,
        @NotBlank String groupId,
        @Min(1) Integer maxPollRecords,
        @Min(1) Integer writers,
        @Min(1) Integer batchEvents,
        Duration pollTimeout,
        Duration retryMin,
        Duration retryMax,
        Duration drainTimeout,
        Map<String, String> consumer,
        @Min(1) Integer partitionsAhead,
        Duration retention,
        Duration partitionCheck,
        String deadLetterTopic,
        Duration idempotencyWindow,
        DataSize mergeBytes,
        Duration mergeWait) {

    public ScorerProperties {
        bootstrapServers = bootstrapServers == null ? "localhost:9092" : bootstrapServers;
        topic = topic == null ? "sluice.events" : topic;
        groupId = groupId == null ? "sluice-scorer" : groupId;
        maxPollRecords = maxPollRecords == null ? 2000 : maxPollRecords;
        writers = writers == null ? 2 : writers;
        batchEvents = batchEvents == null ? 5000 : batchEvents;
        pollTimeout = pollTimeout == null ? Duration.ofMillis(10) : pollTimeout;
        retryMin = retryMin == null ? Duration.ofMillis(200) : retryMin;
        retryMax = retryMax == null ? Duration.ofSeconds(10) : retryMax;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(20) : drainTimeout;
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
        partitionsAhead = partitionsAhead == null ? 7 : partitionsAhead;
        retention = retention == null ? Duration.ofDays(400) : retention;
        partitionCheck = partitionCheck == null ? Duration.ofHours(1) : partitionCheck;
        deadLetterTopic = deadLetterTopic == null ? "sluice.events.dlq" : deadLetterTopic;
        idempotencyWindow = idempotencyWindow == null ? Duration.ofDays(7) : idempotencyWindow;
        mergeBytes = mergeBytes == null ? DataSize.ofMegabytes(16) : mergeBytes;
        mergeWait = mergeWait == null ? Duration.ofMillis(250) : mergeWait;
    }
}
