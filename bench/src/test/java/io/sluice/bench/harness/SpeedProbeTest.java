package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpeedProbeTest {

    @Test
    void measuresAFiniteCostPerParseOfTheFullyAcceptedBody() {
        // The probe throws if its body is not accepted in full; a cost it measured is positive and finite.
        double micros = SpeedProbe.microsPerParse();
        assertThat(micros).isPositive().isLessThan(1_000_000);
    }
}
