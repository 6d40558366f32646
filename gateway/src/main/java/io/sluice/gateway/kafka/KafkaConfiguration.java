package io.sluice.gateway.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.kafka.NativeLz4;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Kafka publisher (startup waits for the topic's metadata); closing the context flushes and closes the producer. */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean(destroyMethod = "close")
    KafkaProducerEventPublisher eventPublisher(KafkaProperties props, MeterRegistry meters) {
        if (props.createTopic()) {
            ensureTopic(props);
        }
        useNativeLz4(meters);
        KafkaProducerEventPublisher publisher = new KafkaProducerEventPublisher(props, meters);
        // So the first requests find the topic's metadata; Kafka being down must not stop startup.
        try {
            if (!publisher.awaitReady(props.ackTimeout())) {
                log.warn("Kafka did not tell the producer about topic {} within {}; requests get 503 until it does",
                        props.topic(), props.ackTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return publisher;
    }

    /** Before the producer exists, so that its lz4 compression runs the native code (see {@link NativeLz4}). */
    static void useNativeLz4(MeterRegistry meters) {
        NativeLz4.Outcome lz4 = NativeLz4.load();
        if (lz4.nativeCode()) {
            log.info("lz4 compression for Kafka: {}", lz4.description());
        } else {
            log.warn("lz4 compression for Kafka: {}; it works, at several times the CPU", lz4.description());
        }
        Gauge.builder("sluice.kafka.lz4.native", () -> NativeLz4.inUse().nativeCode() ? 1 : 0)
                .description("1 if Kafka's lz4 compression runs lz4-java's native code, 0 if its pure-Java code")
                .register(meters);
    }

    /** Startup only (blocking is fine here): creates the events topic unless it exists. */
    static void ensureTopic(KafkaProperties props) {
        try (Admin admin = Admin.create(props.adminClientConfig())) {
            admin.createTopics(List.of(new NewTopic(props.topic(), props.partitions(), props.replicationFactor())))
                    .all().get(30, TimeUnit.SECONDS);
            log.info("created topic {} with {} partitions, replication {}", props.topic(), props.partitions(),
                    props.replicationFactor());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + props.topic() + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + props.topic(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer creating topic " + props.topic(), e);
        }
    }
}
