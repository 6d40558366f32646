package io.sluice.scorer.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.EventSource;
import io.sluice.scorer.consume.ReactorKafkaEventSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** Wires Kafka source, PostgreSQL writer and the loop between them. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean
    EventSource eventSource(ScorerProperties props) {
        return new ReactorKafkaEventSource(props);
    }

    @Bean
    EventWriter eventWriter(DatabaseClient db, ScorerProperties props) {
        return new EventWriter(db, props.maxRowsPerInsert());
    }

    @Bean
    EventIngestor eventIngestor(EventSource source, EventWriter writer, ScorerProperties props, MeterRegistry meters) {
        return new EventIngestor(source, writer, props, meters);
    }
}
