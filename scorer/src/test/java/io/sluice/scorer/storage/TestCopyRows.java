package io.sluice.scorer.storage;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** COPY text for events built in a test, the way the scorer makes it: from their Kafka JSON. */
final class TestCopyRows {

    private static final EventCodec CODEC = new EventCodec();
    private static final CopyRows ROWS = new CopyRows();

    private TestCopyRows() {
    }

    static byte[] of(List<CanonicalEvent> events) {
        StringBuilder out = new StringBuilder();
        for (CanonicalEvent e : events) {
            ROWS.append(CODEC.encode(e), out);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static EventWriter.Staged staged(List<CanonicalEvent> events) {
        return new EventWriter.Staged(events.size(), of(events));
    }
}
