package io.sluice.gateway.ingest;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the CC parser. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CcBatchParser ccBatchParser(IngestProperties props, Clock clock) {
        return CcBatchParser.create(props, clock);
    }
}
