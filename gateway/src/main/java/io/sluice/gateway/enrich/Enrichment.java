package io.sluice.gateway.enrich;

import io.sluice.common.event.CanonicalEvent;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The enrichment steps every dialect's events pass before the privacy policy and Kafka. */
@Component
public class Enrichment {

    private final DeviceEnricher devices;

    public Enrichment(EnrichmentProperties props) {
        // Loading the user-agent patterns takes a moment: done once at startup, never on an event loop.
        this.devices = props.userAgent() ? new DeviceEnricher(props.userAgentCacheSize()) : null;
    }

    /**
     * The enriched events. Cached user agents are filled in place (nanoseconds); parsing a new one
     * takes about a millisecond of regex work, which runs on the parallel scheduler, not the event
     * loop that serves other connections.
     */
    public Mono<List<CanonicalEvent>> apply(List<CanonicalEvent> events) {
        if (devices == null) {
            return Mono.just(events);
        }
        if (devices.needsParsing(events)) {
            return Mono.fromCallable(() -> devices.apply(events)).subscribeOn(Schedulers.parallel());
        }
        return Mono.just(devices.apply(events));
    }
}
