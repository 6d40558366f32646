package io.sluice.scorer.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Netty's adaptive buffer allocator takes a short lock when two event loops grow or return a
 * shared magazine at the same moment, which the scorer's parallel writer lanes (one connection,
 * one event loop each) make happen. That lock is Netty's internal bookkeeping, held for a few
 * instructions, not I/O; Netty's own BlockHound integration does not list it yet. Everything
 * else stays checked.
 */
public class NettyAllocatorBlockHoundAllowance implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
