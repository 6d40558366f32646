package io.sluice.gateway.ingest;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.EventCodec;
import io.sluice.common.event.RawJson;
import io.sluice.gateway.kafka.KafkaProperties.Granularity;
import io.sluice.gateway.kafka.OutboundRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Turns a request's accepted events into Kafka records at the configured granularity. */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /**
     * Records for the events of one request. The key is project and session (or the request id
     * when there is no session), so one session's events land in one partition, in order.
     */
    public static List<OutboundRecord> of(List<CanonicalEvent> events, Granularity granularity, EventCodec codec) {
        return of(events, granularity, codec, Map.of());
    }

    /** {@link #of(List, Granularity, EventCodec)}, copying the blocks in {@code raw} as sent. */
    public static List<OutboundRecord> of(List<CanonicalEvent> events, Granularity granularity, EventCodec codec,
            Map<JsonNode, RawJson> raw) {
        if (events.isEmpty()) {
            return List.of();
        }
        CanonicalEvent first = events.get(0);
        byte[] key = (first.projectId() + "/" + (first.sessionId() != null ? first.sessionId() : first.requestId()))
                .getBytes(StandardCharsets.UTF_8);
        if (granularity == Granularity.REQUEST) {
            return List.of(new OutboundRecord(key, codec.encodeBatch(events, raw), "batch", events.size()));
        }
        List<OutboundRecord> records = new ArrayList<>(events.size());
        for (CanonicalEvent event : events) {
            records.add(new OutboundRecord(key, codec.encode(event, raw), "event", 1));
        }
        return records;
    }
}
