package io.sluice.gateway.ingest;

import io.sluice.gateway.error.ApiException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Reads a whole request body into memory, never more than a stated limit, undoing
 * {@code Content-Encoding: gzip} with a cap on the decompressed size (a zip bomb stops at the cap
 * with 413, having used no more memory than the cap).
 */
public final class RequestBodyReader {

    private RequestBodyReader() {
    }

    public static Mono<byte[]> read(ServerHttpRequest request, int maxBytes, int maxDecompressedBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(tooLarge(maxBytes));
        }
        String encoding = request.getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
        boolean gzip;
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            gzip = false;
        } else if (encoding.trim().equalsIgnoreCase("gzip") || encoding.trim().equalsIgnoreCase("x-gzip")) {
            gzip = true;
        } else {
            return Mono.error(new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_encoding",
                    "Content-Encoding '" + encoding + "' is not supported; send gzip or an uncompressed body.",
                    List.of(), null));
        }
        Mono<byte[]> raw = DataBufferUtils.join(request.getBody(), maxBytes)
                .map(RequestBodyReader::toBytes)
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(maxBytes));
        return gzip ? raw.map(bytes -> gunzip(bytes, maxDecompressedBytes)) : raw;
    }

    /** Inflates in memory (CPU only, nothing that blocks), stopping at {@code limit} bytes. */
    static byte[] gunzip(byte[] compressed, int limit) {
        if (compressed.length == 0) {
            return compressed;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, compressed.length * 4) + 16);
            byte[] chunk = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > limit) {
                    throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "decompressed_body_too_large",
                            "Decompressed body is larger than " + limit
                                    + " bytes (sluice.ingest.max-decompressed-bytes).", List.of(), null);
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_gzip",
                    "Body is not valid gzip although Content-Encoding says gzip: " + e.getMessage());
        }
    }

    private static byte[] toBytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "body_too_large",
                "Request body is larger than " + maxBytes + " bytes (sluice.ingest.max-body-bytes).",
                List.of(), null);
    }
}
