package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Kafka publisher; closing the context flushes and closes the producer. */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    @Bean(destroyMethod = "close")
    ReactorKafkaEventPublisher eventPublisher(KafkaProperties props, MeterRegistry meters) {
        return new ReactorKafkaEventPublisher(props, meters);
    }
}
