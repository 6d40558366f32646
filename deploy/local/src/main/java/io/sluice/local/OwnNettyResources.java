package io.sluice.local;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Gives a Spring context its own Reactor Netty event loops instead of the JVM-global ones.
 *
 * <p>Two apps share this JVM. With the global resources, closing the gateway's context disposes
 * the event loops the scorer's R2DBC connections run on, so the scorer could not finish its last
 * batch during shutdown.
 */
final class OwnNettyResources implements ApplicationContextInitializer<GenericApplicationContext> {

    @Override
    public void initialize(GenericApplicationContext context) {
        context.registerBean(ReactorResourceFactory.class, () -> {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        });
    }
}
