package io.sluice.gateway.ingest;

import jakarta.validation.Valid;
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
 *                         it the request gets 413 and decompression stops. Default 1048576 (1 MiB);
 *                         a dialect whose body limit is larger decompresses up to its body limit.
 * @param flat             limits of the flat single-event dialect ({@code POST /ingest}).
 * @param canaryhub        limits of the CanaryHub dialect ({@code POST /api/v1/events}).
 * @param trenchcoat       limits of the Trenchcoat dialect ({@code POST /api/v1/events}).
 *
 * <p>{@code maxEvents}, {@code maxEnvelopeBytes}, {@code maxEventAge} and {@code maxEventBytes} are
 * the CC dialect's ({@code POST /v1/ingest}); {@code maxFutureSkew} applies to every dialect.
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
        @Min(1024) Integer maxDecompressedBytes,
        @Valid Flat flat,
        @Valid CanaryHub canaryhub,
        @Valid Trenchcoat trenchcoat) {

    public IngestProperties {
        maxBodyBytes = maxBodyBytes == null ? 524_288 : maxBodyBytes;
        maxEvents = maxEvents == null ? 1000 : maxEvents;
        maxEnvelopeBytes = maxEnvelopeBytes == null ? 8192 : maxEnvelopeBytes;
        maxFutureSkew = maxFutureSkew == null ? Duration.ofHours(24) : maxFutureSkew;
        maxEventAge = maxEventAge == null ? Duration.ofDays(366) : maxEventAge;
        maxEventBytes = maxEventBytes == null ? 32_768 : maxEventBytes;
        maxDecompressedBytes = maxDecompressedBytes == null ? 1_048_576 : maxDecompressedBytes;
        flat = flat == null ? new Flat(null) : flat;
        canaryhub = canaryhub == null ? new CanaryHub(null, null, null, null, null, null, null) : canaryhub;
        trenchcoat = trenchcoat == null ? new Trenchcoat(null, null, null) : trenchcoat;
    }

    /** Limits with every default (tests and benchmarks). */
    public static IngestProperties defaults() {
        return new IngestProperties(null, null, null, null, null, null, null, null, null, null);
    }

    /** Largest body any dialect on {@code /api/v1/events} accepts: the read limit before the dialect is known. */
    public int maxEventsApiBodyBytes() {
        return Math.max(canaryhub.maxBodyBytes(), trenchcoat.maxBodyBytes());
    }

    /** Decompressed-size cap for a dialect whose body limit is {@code bodyLimit}. */
    public int maxDecompressedBytes(int bodyLimit) {
        return Math.max(maxDecompressedBytes, bodyLimit);
    }

    /**
     * Flat single events ({@code sluice.ingest.flat.*}).
     *
     * @param maxBodyBytes largest request body; larger gets 413. Default 65536 (64 KiB).
     */
    public record Flat(@Min(1024) Integer maxBodyBytes) {
        public Flat {
            maxBodyBytes = maxBodyBytes == null ? 65_536 : maxBodyBytes;
        }
    }

    /**
     * CanaryHub batches ({@code sluice.ingest.canaryhub.*}); defaults are the CanaryHub contract's.
     *
     * @param maxBodyBytes     largest request body; larger gets 413. Default 524288 (512 KiB).
     * @param maxEvents        most events per request; more gets 400. Default 100.
     * @param maxNameLength    longest {@code name} in characters. Default 200.
     * @param maxMessageLength longest {@code message} in characters. Default 2000.
     * @param maxMetaBytes     largest {@code meta} object, serialized. Default 4096.
     * @param eventsPerMinute  per-key event budget for keys without their own rate limit. Default 60.
     * @param burst            per-key burst for keys without their own rate limit. Default 120.
     */
    public record CanaryHub(@Min(1024) Integer maxBodyBytes, @Min(1) Integer maxEvents, @Min(1) Integer maxNameLength,
            @Min(1) Integer maxMessageLength, @Min(2) Integer maxMetaBytes, @Min(1) Integer eventsPerMinute,
            @Min(1) Integer burst) {
        public CanaryHub {
            maxBodyBytes = maxBodyBytes == null ? 524_288 : maxBodyBytes;
            maxEvents = maxEvents == null ? 100 : maxEvents;
            maxNameLength = maxNameLength == null ? 200 : maxNameLength;
            maxMessageLength = maxMessageLength == null ? 2000 : maxMessageLength;
            maxMetaBytes = maxMetaBytes == null ? 4096 : maxMetaBytes;
            eventsPerMinute = eventsPerMinute == null ? 60 : eventsPerMinute;
            burst = burst == null ? 120 : burst;
        }
    }

    /**
     * Trenchcoat batches ({@code sluice.ingest.trenchcoat.*}).
     *
     * @param maxBodyBytes  largest request body; larger gets 413. Default 4194304 (4 MiB).
     * @param maxEvents     most events per request; more gets 400. Default 1000 (the contract's).
     * @param maxEventBytes largest event as sent; a larger one is dropped and counted in
     *                      {@code rejected}. Default 32768 (32 KiB).
     */
    public record Trenchcoat(@Min(1024) Integer maxBodyBytes, @Min(1) Integer maxEvents, @Min(256) Integer maxEventBytes) {
        public Trenchcoat {
            maxBodyBytes = maxBodyBytes == null ? 4_194_304 : maxBodyBytes;
            maxEvents = maxEvents == null ? 1000 : maxEvents;
            maxEventBytes = maxEventBytes == null ? 32_768 : maxEventBytes;
        }
    }
}
