package io.sluice.gateway.web;

import io.sluice.common.id.Ids;
import org.springframework.web.server.ServerWebExchange;

/** Where a request's {@code req_…} id lives during the exchange. */
public final class RequestIds {

    public static final String ATTRIBUTE = RequestIds.class.getName() + ".id";
    public static final String HEADER = "X-Request-Id";

    private RequestIds() {
    }

    /** The request's id, created on first use. */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        if (id == null) {
            id = Ids.request();
            exchange.getAttributes().put(ATTRIBUTE, id);
        }
        return id;
    }
}
