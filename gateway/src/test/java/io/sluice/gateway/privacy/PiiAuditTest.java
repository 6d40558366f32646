package io.sluice.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiiAuditTest {

    private static final Instant NOW = Instant.parse("2026-12-01T23:30:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 12, 1);

    @Test
    void eachEventCountsOncePerFieldWhetherItsSetIsSharedOrNot() {
        PiiAudit audit = new PiiAudit(null, Clock.fixed(NOW, ZoneOffset.UTC));
        Set<String> shared = Set.of("email", "ip_address");
        Set<String> sameContentOtherInstance = Set.of("email", "ip_address");
        Set<String> custom = Set.of("custom.ssn", "email");
        audit.record("p1", Arrays.asList(shared, shared, shared, custom, shared, sameContentOtherInstance, Set.of()));
        audit.record("p2", Arrays.asList(shared));

        assertThat(audit.counted("p1", DAY, "email")).isEqualTo(6);
        assertThat(audit.counted("p1", DAY, "ip_address")).isEqualTo(5);
        assertThat(audit.counted("p1", DAY, "custom.ssn")).isEqualTo(1);
        assertThat(audit.counted("p2", DAY, "email")).isEqualTo(1);
        assertThat(audit.counted("p2", DAY, "custom.ssn")).isZero();
    }
}
