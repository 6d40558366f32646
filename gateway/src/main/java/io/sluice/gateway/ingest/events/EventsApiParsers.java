package io.sluice.gateway.ingest.events;

import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.UntrustedJson;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The readers of {@code /api/v1/events}: one hardened JSON mapper sized for the larger of the two
 * dialects' body limits, and each dialect's parser.
 */
public record EventsApiParsers(ObjectMapper mapper, CanaryHubParser canaryHub, TrenchcoatParser trenchcoat) {

    /** Wires them from the ingest settings. */
    @Configuration(proxyBeanMethods = false)
    public static class EventsApiConfiguration {

        @Bean
        EventsApiParsers eventsApiParsers(IngestProperties props, Clock clock) {
            ObjectMapper mapper = UntrustedJson.mapper(props.maxDecompressedBytes(props.maxEventsApiBodyBytes()));
            return new EventsApiParsers(mapper,
                    new CanaryHubParser(mapper, props.canaryhub(), props.maxFutureSkew(), clock),
                    new TrenchcoatParser(props.trenchcoat(), props.maxFutureSkew(), clock));
        }
    }
}
