package io.sluice.gateway.web;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the API documentation UI's static files (from jars on the classpath) off the event loop:
 * Spring's classpath resource lookup opens jar entries with blocking file reads.
 */
@Component
public class DocsResourcesFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (path.startsWith("/swagger-ui") || path.startsWith("/webjars/") || path.startsWith("/v3/api-docs")) {
            return chain.filter(exchange).subscribeOn(Schedulers.boundedElastic());
        }
        return chain.filter(exchange);
    }
}
