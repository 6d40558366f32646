package io.sluice.gateway.enrich;

import java.net.InetSocketAddress;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Puts the request's client address in the Reactor context for geo enrichment, when
 * {@code sluice.enrichment.client-address} asks for it (off by default).
 */
@Component
public class ClientAddressFilter implements WebFilter {

    static final String CONTEXT_KEY = ClientAddressFilter.class.getName();

    private final String mode;

    public ClientAddressFilter(EnrichmentProperties props) {
        this.mode = props.clientAddress();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (mode.equals("none")) {
            return chain.filter(exchange);
        }
        String address = null;
        if (mode.equals("forwarded")) {
            String forwarded = exchange.getRequest().getHeaders().getFirst("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                address = forwarded.split(",")[0].trim();
            }
        }
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        if (address == null && peer != null && peer.getAddress() != null) {
            address = peer.getAddress().getHostAddress();
        }
        String client = address;
        return client == null ? chain.filter(exchange) : chain.filter(exchange).contextWrite(ctx -> ctx.put(CONTEXT_KEY, client));
    }
}
