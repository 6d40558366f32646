package io.sluice.gateway.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sluice.common.event.CanonicalEvent;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Fills a device block's missing {@code browser}, {@code browser_version}, {@code os},
 * {@code os_version} and {@code type} from its {@code user_agent}; fields the client sent are never
 * changed. Parsing is regex work (hundreds of microseconds for a new user agent), so results are
 * cached by user-agent string: real traffic repeats a small set of them (docs/benchmarks.md).
 */
public class DeviceEnricher {

    /** What one user agent says. */
    record Parsed(String browser, String browserVersion, String os, String osVersion, String type) {
    }

    private final Parser parser;
    private final Cache<String, Parsed> cache;

    public DeviceEnricher(int cacheSize) {
        this.parser = new Parser();
        // Housekeeping on the calling thread, not the common pool (docs/decisions.md).
        this.cache = Caffeine.newBuilder().executor(Runnable::run).maximumSize(cacheSize).build();
    }

    /** The events with enriched device blocks; a block shared by several events is enriched once. */
    public List<CanonicalEvent> apply(List<CanonicalEvent> events) {
        Map<JsonNode, JsonNode> done = null;
        List<CanonicalEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            CanonicalEvent e = events.get(i);
            JsonNode device = e.device();
            if (device == null || !device.isObject() || !device.hasNonNull("user_agent") || complete(device)) {
                if (out != null) {
                    out.add(e);
                }
                continue;
            }
            if (done == null) {
                done = new IdentityHashMap<>();
                out = new ArrayList<>(events.subList(0, i));
            }
            JsonNode enriched = done.computeIfAbsent(device, this::enrich);
            out.add(new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(),
                    e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), e.user(), enriched, e.location(),
                    e.payload(), e.tags(), e.custom()));
        }
        return out == null ? events : out;
    }

    /** True when some event needs a user agent parsed that is not cached yet (regex work, ~1 ms each). */
    public boolean needsParsing(List<CanonicalEvent> events) {
        for (CanonicalEvent e : events) {
            JsonNode device = e.device();
            if (device != null && device.isObject() && !complete(device)) {
                JsonNode ua = device.get("user_agent");
                if (ua != null && ua.isString() && !ua.stringValue().isBlank()
                        && cache.getIfPresent(ua.stringValue()) == null) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean complete(JsonNode device) {
        return device.hasNonNull("browser") && device.hasNonNull("browser_version") && device.hasNonNull("os")
                && device.hasNonNull("os_version") && device.hasNonNull("type");
    }

    private JsonNode enrich(JsonNode device) {
        JsonNode ua = device.get("user_agent");
        if (!ua.isString() || ua.stringValue().isBlank()) {
            return device;
        }
        Parsed p = parse(ua.stringValue());
        ObjectNode copy = ((ObjectNode) device).deepCopy();
        fill(copy, "browser", p.browser());
        fill(copy, "browser_version", p.browserVersion());
        fill(copy, "os", p.os());
        fill(copy, "os_version", p.osVersion());
        fill(copy, "type", p.type());
        return copy;
    }

    private static void fill(ObjectNode device, String field, String value) {
        if (value != null && !device.hasNonNull(field)) {
            device.put(field, value);
        }
    }

    Parsed parse(String userAgent) {
        return cache.get(userAgent, ua -> {
            Client c = parser.parse(ua);
            String browser = known(c.userAgent.family);
            String os = known(c.os.family);
            return new Parsed(browser, browser == null ? null : version(c.userAgent.major, c.userAgent.minor, c.userAgent.patch),
                    os, os == null ? null : version(c.os.major, c.os.minor, c.os.patch), type(c, ua));
        });
    }

    private static String known(String family) {
        return family == null || family.equals("Other") ? null : family;
    }

    private static String version(String major, String minor, String patch) {
        if (major == null) {
            return null;
        }
        return major + (minor == null ? "" : "." + minor + (patch == null ? "" : "." + patch));
    }

    /** {@code tablet}, {@code mobile} or {@code desktop}; null for bots and unknown devices. */
    static String type(Client c, String ua) {
        String device = c.device.family == null ? "" : c.device.family.toLowerCase(Locale.ROOT);
        String os = c.os.family == null ? "" : c.os.family;
        String lower = ua.toLowerCase(Locale.ROOT);
        if (device.equals("spider")) {
            return null;
        }
        if (device.contains("ipad") || lower.contains("tablet") || (os.equals("Android") && !lower.contains("mobile"))) {
            return "tablet";
        }
        if (os.equals("iOS") || os.equals("Android") || lower.contains("mobile")) {
            return "mobile";
        }
        if (os.equals("Windows") || os.equals("Mac OS X") || os.equals("Linux") || os.equals("Ubuntu")
                || os.equals("Chrome OS") || os.equals("Fedora")) {
            return "desktop";
        }
        return null;
    }
}
