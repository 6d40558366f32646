package io.sluice.gateway.ingest;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Ingest limits ({@code sluice.ingest.*}). Each limit is named in the error a client gets when it
 * is crossed.
 *
 * @param maxBodyBytes     largest request body; larger gets 413. Default 524288 (512 KiB).
 * @param maxEvents        most events in one request; more gets 400. Default 1000.
 * @param maxEnvelopeBytes largest serialized size of the {@code user}, {@code device} and
 *                         {@code location} blocks together; they are copied onto every event, so
 *                         this bounds the canonical form's growth. Larger gets 400. Default 8192.
 * @param maxFutureSkew    an event timestamp further ahead of the server clock is rejected.
 *                         Default 24h.
 * @param maxEventAge      an event timestamp older than this is rejected. Default 366d (offline
 *                         mobile queues replay old events; older than a year is beyond retention).
 * @param maxEventBytes    largest event as sent (its JSON object in the body); a larger event is
 *                         rejected on its own. Default 32768 (32 KiB).
 * @param maxDecompressedBytes largest body after {@code Content-Encoding: gzip} is undone; beyond
 *                         it the request gets 413 and decompression stops. Default 1048576 (1 MiB).
 */
@Validated
@ConfigurationProperties("sluice.ingest")
public record IngestProperties(
        @Min(1024) Integer maxBodyBytes,
        @Min(1) Integer maxEvents,
        @Min(256) Integer maxEnvelopeBytes,
        Duration maxFutureSkew,
        Duration maxEventAge,
        @Min(256) Integer maxEventBytes,
        @Min(1024) Integer maxDecompressedBytes) {

    public IngestProperties {
        maxBodyBytes = maxBodyBytes == null ? 524_288 : maxBodyBytes;
        maxEvents = maxEvents == null ? 1000 : maxEvents;
        maxEnvelopeBytes = maxEnvelopeBytes == null ? 8192 : maxEnvelopeBytes;
        maxFutureSkew = maxFutureSkew == null ? Duration.ofHours(24) : maxFutureSkew;
        maxEventAge = maxEventAge == null ? Duration.ofDays(366) : maxEventAge;
        maxEventBytes = maxEventBytes == null ? 32_768 : maxEventBytes;
        maxDecompressedBytes = maxDecompressedBytes == null ? 1_048_576 : maxDecompressedBytes;
    }
}
