package io.sluice.gateway.enrich;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the user-agent parser: start-up time, heap it keeps, cost of a new user agent and of a
 * cached one. A main, not a test: {@code java -cp ... io.sluice.gateway.enrich.UserAgentProbe}.
 */
public final class UserAgentProbe {

    public static void main(String[] args) {
        List<String> agents = new ArrayList<>();
        String[] templates = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.109 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel %d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_%d) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Safari/605.1.15"};
        for (int i = 0; i < 4000; i++) {
            agents.add(String.format(templates[i % templates.length], 100 + i / 4, i));
        }
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long t0 = System.nanoTime();
        DeviceEnricher enricher = new DeviceEnricher(10_000);
        long startup = System.nanoTime() - t0;
        System.gc();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        // Warm-up on other strings, then time new (uncached) and repeated (cached) user agents.
        for (int i = 0; i < 2000; i++) {
            enricher.parse("warm-up " + i + " " + agents.get(i % agents.size()));
        }
        long n0 = System.nanoTime();
        for (String ua : agents) {
            enricher.parse(ua);
        }
        long uncached = (System.nanoTime() - n0) / agents.size();
        long c0 = System.nanoTime();
        int rounds = 50;
        for (int r = 0; r < rounds; r++) {
            for (String ua : agents) {
                enricher.parse(ua);
            }
        }
        long cached = (System.nanoTime() - c0) / ((long) rounds * agents.size());
        System.out.printf("startup %d ms, parser heap %.1f MiB, new user agent %d us, cached %d ns (JDK %s)%n",
                startup / 1_000_000, (heapAfter - heapBefore) / 1048576.0, uncached / 1000, cached,
                System.getProperty("java.version"));
    }
}
