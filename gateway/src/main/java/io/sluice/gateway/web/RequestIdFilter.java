package io.sluice.gateway.web;

import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id ({@code req_…}, or a trusted proxy's {@code X-Request-Id} when
 * configured), returns it in {@code X-Request-Id} on every answer, and optionally writes an access
 * log line carrying it as {@code request_id}.
 */
@Component
public class RequestIdFilter implements WebFilter, Ordered {

    private static final Logger access = LoggerFactory.getLogger("io.sluice.gateway.access");
    static final Pattern TRUSTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final RequestIdProperties props;

    public RequestIdFilter(RequestIdProperties props) {
        this.props = props;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (props.trustIncoming()) {
            String incoming = exchange.getRequest().getHeaders().getFirst(RequestIds.HEADER);
            if (incoming != null && TRUSTED.matcher(incoming).matches()) {
                exchange.getAttributes().put(RequestIds.ATTRIBUTE, incoming);
            }
        }
        String id = RequestIds.of(exchange);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        if (!props.accessLog()) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(s -> access.atInfo()
                .addKeyValue("request_id", id)
                .log("request_id={} {} {} -> {} in {} ms", id, exchange.getRequest().getMethod(),
                        exchange.getRequest().getPath(), exchange.getResponse().getStatusCode(),
                        (System.nanoTime() - start) / 1_000_000));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
