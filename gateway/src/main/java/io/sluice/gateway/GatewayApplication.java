package io.sluice.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The HTTP ingest gateway: authenticates, validates, writes to Kafka, answers after the ack. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /**
     * A builder that reads {@code gateway.yml} (not {@code application.yml}), so the gateway and the
     * scorer can share one classpath in the local stack without reading each other's settings.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .properties("spring.config.name=gateway");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
