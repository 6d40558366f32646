package io.sluice.gateway.enrich;

import com.maxmind.db.Reader;
import io.sluice.common.event.CanonicalEvent;
import io.sluice.gateway.ingest.schema.IpAddresses;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fills a location block's missing {@code country}, {@code country_name}, {@code city},
 * {@code region} and {@code timezone} from its {@code ip_address}, using a MaxMind DB file
 * (GeoLite2 City or DB-IP Lite City layout). The file is memory-mapped: a lookup walks the mapped
 * search tree in memory, no read call on the request path.
 */
public class GeoEnricher implements AutoCloseable {

    private final Reader reader;

    public GeoEnricher(File database) throws IOException {
        this.reader = new Reader(database, Reader.FileMode.MEMORY_MAPPED);
    }

    public List<CanonicalEvent> apply(List<CanonicalEvent> events) {
        return apply(events, null);
    }

    /**
     * As {@link #apply(List)}; an event whose location has no {@code ip_address} is looked up by
     * {@code clientAddress} (the connection's or a trusted proxy's, when configured), which fills
     * the geo fields but is not itself stored.
     */
    public List<CanonicalEvent> apply(List<CanonicalEvent> events, String clientAddress) {
        Map<JsonNode, JsonNode> done = null;
        List<CanonicalEvent> out = null;
        JsonNode clientOnly = null;
        for (int i = 0; i < events.size(); i++) {
            CanonicalEvent e = events.get(i);
            JsonNode location = e.location();
            boolean hasIp = location != null && location.isObject() && location.hasNonNull("ip_address");
            boolean useClient = !hasIp && clientAddress != null && (location == null || location.isObject());
            if ((!hasIp && !useClient) || (location != null && complete(location))) {
                if (out != null) {
                    out.add(e);
                }
                continue;
            }
            if (done == null) {
                done = new IdentityHashMap<>();
                out = new ArrayList<>(events.subList(0, i));
            }
            JsonNode enriched;
            if (hasIp) {
                enriched = done.computeIfAbsent(location, l -> enrich(l, l.get("ip_address").asString("")));
            } else if (location == null) {
                if (clientOnly == null) {
                    clientOnly = enrich(JsonNodeFactory.instance.objectNode(), clientAddress);
                }
                enriched = clientOnly.isEmpty() ? null : clientOnly;
            } else {
                enriched = done.computeIfAbsent(location, l -> enrich(l, clientAddress));
            }
            out.add(new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(),
                    e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), e.user(), e.device(), enriched,
                    e.payload(), e.tags(), e.custom()));
        }
        return out == null ? events : out;
    }

    private static boolean complete(JsonNode l) {
        return l.hasNonNull("country") && l.hasNonNull("country_name") && l.hasNonNull("city") && l.hasNonNull("region")
                && l.hasNonNull("timezone");
    }

    @SuppressWarnings("unchecked")
    private JsonNode enrich(JsonNode location, String ip) {
        if (!IpAddresses.isValid(ip)) {
            return location;
        }
        Map<String, Object> record;
        try {
            record = reader.get(InetAddress.getByName(ip), Map.class); // a literal: no name lookup
        } catch (IOException | RuntimeException e) {
            return location;
        }
        if (record == null) {
            return location;
        }
        ObjectNode copy = ((ObjectNode) location).deepCopy();
        Map<String, Object> country = map(record.get("country"));
        fill(copy, "country", country.get("iso_code"));
        fill(copy, "country_name", name(country));
        fill(copy, "city", name(map(record.get("city"))));
        Object subdivisions = record.get("subdivisions");
        if (subdivisions instanceof List<?> list && !list.isEmpty()) {
            fill(copy, "region", name(map(list.get(0))));
        }
        fill(copy, "timezone", map(record.get("location")).get("time_zone"));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Object name(Map<String, Object> block) {
        return map(block.get("names")).get("en");
    }

    private static void fill(ObjectNode location, String field, Object value) {
        if (value instanceof String s && !s.isEmpty() && !location.hasNonNull(field)) {
            location.put(field, s);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
