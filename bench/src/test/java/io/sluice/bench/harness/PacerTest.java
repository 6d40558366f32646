package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacer on a simulated clock: it parks for the whole gap and never spins. */
class PacerTest {

    private long now;
    private final List<Long> parks = new ArrayList<>();
    private int clockReads;

    private final Pacer pacer = new Pacer(() -> {
        clockReads++;
        return now;
    }, nanos -> {
        parks.add(nanos);
        now += nanos + 30_000; // wakes up late, as parked threads do
    });

    @Test
    void parksForTheWholeGapOnce() {
        now = 1_000_000;
        pacer.awaitDue(1_250_000);
        assertThat(parks).containsExactly(250_000L);
        assertThat(clockReads).isEqualTo(2);
        assertThat(now).isEqualTo(1_280_000);
    }

    @Test
    void aRequestAlreadyDueIsNotDelayed() {
        now = 5_000_000;
        pacer.awaitDue(4_000_000);
        pacer.awaitDue(5_000_000);
        assertThat(parks).isEmpty();
        assertThat(clockReads).isEqualTo(2);
    }

    @Test
    void anEarlyWakeUpParksAgainForWhatIsLeft() {
        List<Long> gapsSeen = new ArrayList<>();
        Pacer early = new Pacer(() -> now, nanos -> {
            gapsSeen.add(100_000 - now);
            parks.add(nanos);
            now += (nanos + 1) / 2; // spurious early wake-up halfway
        });
        now = 0;
        early.awaitDue(100_000);
        assertThat(parks).startsWith(100_000L, 50_000L, 25_000L).isEqualTo(gapsSeen);
        assertThat(now).isEqualTo(100_000);
    }
}
