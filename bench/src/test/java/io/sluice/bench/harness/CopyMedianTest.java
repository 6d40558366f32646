package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyMedianTest {

    @Test
    void theComparisonUsesTheMiddleRunAndKeepsEveryRunInOrder() {
        Stack.Copy fast = new Stack.Copy(1000, Duration.ofMillis(20), 50_000, List.of());
        Stack.Copy slow = new Stack.Copy(1000, Duration.ofMillis(40), 25_000, List.of());
        Stack.Copy middle = new Stack.Copy(1000, Duration.ofMillis(30), 33_333, List.of());

        Stack.Copy median = Stack.median(List.of(fast, slow, middle));

        assertThat(median.eventsPerSecond()).isEqualTo(33_333);
        assertThat(median.elapsed()).isEqualTo(Duration.ofMillis(30));
        assertThat(median.runsEventsPerSecond()).containsExactly(50_000.0, 25_000.0, 33_333.0);
    }
}
