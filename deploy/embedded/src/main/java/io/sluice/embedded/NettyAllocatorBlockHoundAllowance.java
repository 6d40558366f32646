package io.sluice.embedded;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty's adaptive buffer allocator takes a short lock when two event loops grow or return a
 * shared magazine at the same moment, which several connections on several event loops make
 * happen (the scorer's parallel writer lanes; the gateway's R2DBC pool and its notification
 * listener). That lock is Netty's internal bookkeeping, held for a few instructions, not I/O;
 * Netty's own BlockHound integration does not list it yet. Everything else stays checked.
 *
 * <p>Here, beside the embedded servers every app's tests use, so each app's BlockHound picks it
 * up; BlockHound is an optional dependency and only loads this when a test installs it.
 */
public class NettyAllocatorBlockHoundAllowance implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
