package io.sluice.gateway.ingest;

import io.sluice.gateway.error.ApiException;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;

/** Checks that an ingest request declares JSON (or nothing) as its content type. */
final class JsonContent {

    private JsonContent() {
    }

    static void require(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        if (type != null && !MediaType.APPLICATION_JSON.isCompatibleWith(type)
                && !"json".equals(type.getSubtype()) && !type.getSubtype().endsWith("+json")) {
            // 400, not 415: the contracts treat a body that cannot be read as JSON as a bad request.
            throw ApiException.badRequest("invalid_content_type",
                    "Content-Type must be application/json, not " + type + ".");
        }
    }
}
