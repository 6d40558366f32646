package io.sluice.gateway.enrich;

import io.sluice.common.event.CanonicalEvent;
import jakarta.annotation.PreDestroy;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The enrichment steps every dialect's events pass before the privacy policy and Kafka. */
@Component
public class Enrichment {

    private static final Logger log = LoggerFactory.getLogger(Enrichment.class);

    private final DeviceEnricher devices;
    private final GeoEnricher geo;

    public Enrichment(EnrichmentProperties props) throws IOException {
        // Loading the user-agent patterns takes a moment: done once at startup, never on an event loop.
        this.devices = props.userAgent() ? new DeviceEnricher(props.userAgentCacheSize()) : null;
        if (props.geoipDatabase() == null || props.geoipDatabase().isBlank()) {
            log.warn("geo enrichment is off: set sluice.enrichment.geoip-database to a MaxMind DB file "
                    + "(GeoLite2 City or DB-IP Lite City) to fill country, city, region and timezone from ip_address");
            this.geo = null;
        } else {
            this.geo = new GeoEnricher(new File(props.geoipDatabase()));
            log.info("geo enrichment from {}", props.geoipDatabase());
        }
    }

    @PreDestroy
    void close() throws IOException {
        if (geo != null) {
            geo.close();
        }
    }

    /**
     * The enriched events. Cached user agents are filled in place (nanoseconds); parsing a new one
     * takes about a millisecond of regex work, which runs on the parallel scheduler, not the event
     * loop that serves other connections.
     */
    public Mono<List<CanonicalEvent>> apply(List<CanonicalEvent> events) {
        return Mono.deferContextual(ctx -> apply(events, ctx.<String>getOrEmpty(ClientAddressFilter.CONTEXT_KEY).orElse(null)));
    }

    private Mono<List<CanonicalEvent>> apply(List<CanonicalEvent> events, String clientAddress) {
        List<CanonicalEvent> located = geo == null ? events : geo.apply(events, clientAddress);
        if (devices == null) {
            return Mono.just(located);
        }
        if (devices.needsParsing(located)) {
            return Mono.fromCallable(() -> devices.apply(located)).subscribeOn(Schedulers.parallel());
        }
        return Mono.just(devices.apply(located));
    }
}
