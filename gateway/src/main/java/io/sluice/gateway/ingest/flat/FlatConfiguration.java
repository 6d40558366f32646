package io.sluice.gateway.ingest.flat;

import io.sluice.gateway.ingest.IngestProperties;
import io.sluice.gateway.ingest.UntrustedJson;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the flat single-event parser. */
@Configuration(proxyBeanMethods = false)
public class FlatConfiguration {

    @Bean
    FlatEventParser flatEventParser(IngestProperties props, Clock clock) {
        int maxBody = props.flat().maxBodyBytes();
        return new FlatEventParser(UntrustedJson.mapper(props.maxDecompressedBytes(maxBody)), clock, props.maxFutureSkew());
    }
}
