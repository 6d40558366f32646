package io.sluice.common.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsCarryTheirPrefixAndA26CharBody() {
        assertThat(Ids.request()).startsWith("req_").hasSize(30);
        assertThat(Ids.event()).startsWith("evt_").hasSize(30);
        assertThat(Ids.signal()).startsWith("sig_").hasSize(30);
        assertThat(Ids.alert()).startsWith("alt_").hasSize(30);
        assertThat(Ids.hasShape(Ids.event(), Ids.EVENT)).isTrue();
        assertThat(Ids.hasShape("evt_123", Ids.EVENT)).isFalse();
        assertThat(Ids.hasShape(Ids.event().replace('0', 'U').substring(0, 29) + "U", Ids.EVENT)).isFalse();
    }

    @Test
    void idsSortByCreationTime() {
        List<String> ids = new ArrayList<>();
        for (long t = 1_700_000_000_000L; t < 1_700_000_000_000L + 5_000; t += 7) {
            ids.add(Ids.next(Ids.EVENT, t));
        }
        assertThat(ids).isSorted();
    }

    @Test
    void timestampRoundTrips() {
        long now = System.currentTimeMillis();
        assertThat(Ids.timestampOf(Ids.next(Ids.ALERT, now), Ids.ALERT)).isEqualTo(now);
    }

    @Test
    void idsDoNotCollideWithinOneMillisecond() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            assertThat(seen.add(Ids.next(Ids.EVENT, 42L))).isTrue();
        }
    }

    @Test
    void keyedIdsAreDeterministicPerScopeAndKeyAndDistinctFromTimeIds() {
        String a = Ids.keyed(Ids.EVENT, "proj_a", "evt_123456789");
        assertThat(a).isEqualTo(Ids.keyed(Ids.EVENT, "proj_a", "evt_123456789"));
        assertThat(a).isNotEqualTo(Ids.keyed(Ids.EVENT, "proj_b", "evt_123456789"));
        assertThat(a).isNotEqualTo(Ids.keyed(Ids.EVENT, "proj_a", "evt_123456780"));
        // Scope and key are separated: ("ab","c") and ("a","bc") differ.
        assertThat(Ids.keyed(Ids.EVENT, "ab", "c")).isNotEqualTo(Ids.keyed(Ids.EVENT, "a", "bc"));
        assertThat(Ids.hasShape(a, Ids.EVENT)).isTrue();
        assertThat(Ids.isKeyed(a, Ids.EVENT)).isTrue();
        assertThat(Ids.isKeyed(Ids.event(), Ids.EVENT)).isFalse();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            assertThat(seen.add(Ids.keyed(Ids.EVENT, "p", Integer.toString(i)))).isTrue();
        }
    }
}
