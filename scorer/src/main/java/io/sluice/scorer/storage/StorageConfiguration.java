package io.sluice.scorer.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.kafka.NativeLz4;
import io.sluice.scorer.ScorerProperties;
import io.sluice.scorer.consume.DeadLetters;
import io.sluice.scorer.consume.EventSource;
import io.sluice.scorer.consume.ReactorKafkaDeadLetters;
import io.sluice.scorer.consume.ReactorKafkaEventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Wires Kafka source, PostgreSQL writer and the loop between them. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    EventSource eventSource(ScorerProperties props, MeterRegistry meters) {
        useNativeLz4(meters);
        return new ReactorKafkaEventSource(props, meters);
    }

    /** Before the consumer exists, so that its lz4 decompression runs the native code (see {@link NativeLz4}). */
    static void useNativeLz4(MeterRegistry meters) {
        NativeLz4.Outcome lz4 = NativeLz4.load();
        if (lz4.nativeCode()) {
            log.info("lz4 decompression for Kafka: {}", lz4.description());
        } else {
            log.warn("lz4 decompression for Kafka: {}; it works, at more CPU", lz4.description());
        }
        Gauge.builder("sluice.kafka.lz4.native", () -> NativeLz4.inUse().nativeCode() ? 1 : 0)
                .description("1 if Kafka's lz4 (de)compression runs lz4-java's native code, 0 if its pure-Java code")
                .register(meters);
    }

    @Bean(destroyMethod = "close")
    ReactorKafkaDeadLetters deadLetters(ScorerProperties props) {
        return new ReactorKafkaDeadLetters(props);
    }

    @Bean
    EventWriter eventWriter(DatabaseClient db, ScorerProperties props) {
        return new EventWriter(db);
    }

    @Bean
    BatchStore batchStore(EventWriter writer, ConnectionFactory connectionFactory) {
        return new BatchStore(writer, TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory)));
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    PartitionMaintainer partitionMaintainer(DatabaseClient db, ScorerProperties props, Clock clock) {
        return new PartitionMaintainer(db, props, clock);
    }

    @Bean
    EventIngestor eventIngestor(EventSource source, BatchStore store, DeadLetters deadLetters, ScorerProperties props,
            MeterRegistry meters) {
        return new EventIngestor(source, store, deadLetters, props, meters);
    }

    @Bean("storagePipeline")
    StoragePipelineHealthIndicator storagePipelineHealthIndicator(EventIngestor ingestor) {
        return new StoragePipelineHealthIndicator(ingestor);
    }
}
