package io.sluice.gateway.ingest;

import io.sluice.gateway.error.ApiException;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** Reads a whole request body into memory, never more than a stated limit. */
public final class RequestBodyReader {

    private RequestBodyReader() {
    }

    public static Mono<byte[]> read(ServerHttpRequest request, int maxBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(tooLarge(maxBytes));
        }
        String encoding = request.getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return Mono.error(new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_content_encoding",
                    "Content-Encoding '" + encoding + "' is not supported; send the body uncompressed.",
                    List.of(), null));
        }
        return DataBufferUtils.join(request.getBody(), maxBytes)
                .map(RequestBodyReader::toBytes)
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(maxBytes));
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
