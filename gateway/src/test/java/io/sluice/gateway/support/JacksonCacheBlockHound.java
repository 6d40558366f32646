package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Jackson builds a type's deserializer once per mapper, under a {@code ReentrantLock} in its
 * deserializer cache; a second thread reading the same type at that moment waits the few
 * microseconds it takes. The alert feed's rows and a stream's replay read alerts through one
 * shared mapper on event loops, so on a cold cache BlockHound caught that wait (about one
 * {@code AlertStreamIT} run in two) and failed the stream. Any other lock on an event loop still
 * fails the test.
 */
public class JacksonCacheBlockHound implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
    }
}
