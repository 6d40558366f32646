package io.sluice.scorer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Consumes canonical events from Kafka and stores them durably in PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ScorerApplication {

    /** A builder that reads {@code scorer.yml}, so it can share a classpath with the gateway. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ScorerApplication.class)
                .properties("spring.config.name=scorer");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
