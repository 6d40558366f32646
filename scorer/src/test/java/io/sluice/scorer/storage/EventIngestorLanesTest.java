package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.scorer.consume.ConsumedRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventIngestorLanesTest {

    private static ConsumedRecord record(int partition, long offset, String key) {
        return new ConsumedRecord("t", partition, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                new byte[0]);
    }

    @Test
    void oneKeyStaysInOneLaneInOffsetOrderAndOnePartitionIsSpreadOverLanes() {
        // A poll from a single partition, as polls usually are: 40 sessions, 3 records each.
        List<ConsumedRecord> poll = new ArrayList<>();
        for (long o = 0; o < 120; o++) {
            poll.add(record(3, o, "proj/sess-" + (o % 40)));
        }
        List<List<ConsumedRecord>> lanes = EventIngestor.lanes(poll, 2);

        assertThat(lanes).hasSize(2);
        // Equal keys deal evenly: the lanes differ by at most one key's records.
        assertThat(Math.abs(lanes.get(0).size() - lanes.get(1).size())).isLessThanOrEqualTo(3);
        Set<String> first = keys(lanes.get(0));
        assertThat(keys(lanes.get(1))).doesNotContainAnyElementsOf(first);
        for (List<ConsumedRecord> lane : lanes) {
            for (String key : keys(lane)) {
                assertThat(lane.stream().filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))))
                        .extracting(ConsumedRecord::offset).isSorted();
            }
        }
        assertThat(lanes.stream().mapToInt(List::size).sum()).isEqualTo(poll.size());
    }

    @Test
    void aHeavyKeyGetsALaneToItselfWhileTheLightOnesShareTheOther() {
        List<ConsumedRecord> poll = new ArrayList<>();
        for (long o = 0; o < 40; o++) {
            poll.add(new ConsumedRecord("t", 0, o, ("light-" + (o % 10)).getBytes(StandardCharsets.UTF_8), new byte[100]));
        }
        poll.add(new ConsumedRecord("t", 0, 40, "heavy".getBytes(StandardCharsets.UTF_8), new byte[4000]));
        List<List<ConsumedRecord>> lanes = EventIngestor.lanes(poll, 2);

        assertThat(lanes).hasSize(2);
        assertThat(lanes).anySatisfy(lane -> assertThat(keys(lane)).containsExactly("heavy"));
        assertThat(lanes).anySatisfy(lane -> assertThat(lane).hasSize(40));
    }

    @Test
    void recordsWithoutKeyGoByPartitionAndOneWriterTakesEverything() {
        List<ConsumedRecord> poll = List.of(record(3, 7, null), record(3, 8, null));
        assertThat(EventIngestor.lanes(poll, 4)).containsExactly(poll);
        assertThat(EventIngestor.lanes(List.of(record(0, 1, "a"), record(1, 1, "b")), 1)).hasSize(1);
    }

    private static Set<String> keys(List<ConsumedRecord> lane) {
        return lane.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
    }
}
