package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    private static final Pattern TYPE = Pattern.compile("\\{\"type\":\"([a-z_]+)\",\"timestamp\"");
    private static final Set<String> CC_TYPES = Set.of("page_hit", "click", "network_error", "crash", "slow_render");

    @Test
    void singleEventBodiesRotateEveryTypeAcrossThePool() {
        Workload cc1 = Workload.named("cc-1", Instant.parse("2026-11-30T12:00:00Z"));
        Set<String> types = new TreeSet<>();
        for (byte[] body : cc1.bodies()) {
            List<String> own = types(body);
            assertThat(own).hasSize(1);
            types.addAll(own);
        }
        assertThat(types).isEqualTo(new TreeSet<>(CC_TYPES));
    }

    @Test
    void everyBatchBodyHoldsEveryTypeWithTheRequestedCount() {
        Workload cc50 = Workload.named("cc-50", Instant.parse("2026-11-30T12:00:00Z"));
        for (byte[] body : cc50.bodies()) {
            List<String> types = types(body);
            assertThat(types).hasSize(50);
            assertThat(new TreeSet<>(types)).isEqualTo(new TreeSet<>(CC_TYPES));
        }
    }

    /** The event types of a body, in order. */
    private static List<String> types(byte[] body) {
        List<String> out = new ArrayList<>();
        Matcher m = TYPE.matcher(new String(body, StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
