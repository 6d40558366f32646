package io.sluice.bench.harness;

import io.sluice.bench.RealisticBodies;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.zip.GZIPOutputStream;

/**
 * One kind of traffic: a dialect's path, its credential header, and a pool of distinct realistic
 * bodies of {@code eventsPerRequest} events each (sessions and timestamps differ between bodies).
 */
record Workload(String name, String dialect, String path, String authHeader, String authPrefix, int eventsPerRequest,
        boolean gzip, List<byte[]> bodies) {

    static final int POOL = 64;

    /** Every workload the harness knows, in run order. */
    static List<String> names() {
        return List.of("cc-1", "cc-10", "cc-50", "cc-50-gzip", "cc-100", "canaryhub-20", "trenchcoat-100");
    }

    static Workload named(String name, Instant at) {
        return switch (name) {
            case "cc-1" -> cc(name, 1, false, at);
            case "cc-10" -> cc(name, 10, false, at);
            case "cc-50" -> cc(name, 50, false, at);
            case "cc-50-gzip" -> cc(name, 50, true, at);
            case "cc-100" -> cc(name, 100, false, at);
            case "canaryhub-20" -> new Workload(name, "canaryhub", "/api/v1/events", "Authorization", "Bearer ", 20, false,
                    pool(i -> canaryHub(20, at.minusMillis(i)), false));
            case "trenchcoat-100" -> new Workload(name, "trenchcoat", "/api/v1/events", "X-API-Key", "", 100, false,
                    pool(i -> trenchcoat(100, at.minusMillis(i)), false));
            default -> throw new IllegalArgumentException("unknown workload " + name + "; known: " + names());
        };
    }

    double bytesPerEvent() {
        return bodies.stream().mapToInt(b -> b.length).average().orElse(0) / eventsPerRequest;
    }

    private static Workload cc(String name, int n, boolean gzip, Instant at) {
        return new Workload(name, "cc", "/v1/ingest", "X-API-Key", "", n, gzip,
                pool(i -> cc(n, at.minusMillis(i), i), gzip));
    }

    /**
     * Per-event tags and custom blocks as instrumented apps send them (build, experiment, trace
     * ids, feature flags): with the envelope, about 450 bytes per event.
     */
    private static final String CONTEXT = ",\"tags\":{\"build\":\"4512\",\"flavor\":\"prod\",\"experiment\":\"checkout-v3\","
            + "\"cohort\":\"b\"},\"custom\":{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"feature_flags\":"
            + "[\"new-cart\",\"fast-pay\"],\"connection\":\"wifi\"}";

    private static final String[] CC_EVENTS = {
        "{\"type\":\"page_hit\",\"timestamp\":\"%s\",\"payload\":{\"screen\":\"CheckoutScreen\",\"referrer\":\"PushNotification\","
                + "\"load_time_ms\":320,\"is_first_visit\":false,\"url\":\"app://shop/checkout?step=2\"}" + CONTEXT + "}",
        "{\"type\":\"click\",\"timestamp\":\"%s\",\"payload\":{\"element_id\":\"btn-upgrade\",\"element_type\":\"button\","
                + "\"label\":\"Upgrade to Pro\",\"screen\":\"SettingsScreen\",\"x\":194,\"y\":832}" + CONTEXT + "}",
        "{\"type\":\"network_error\",\"timestamp\":\"%s\",\"payload\":{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503,"
                + "\"latency_ms\":4200,\"network_type\":\"4G\",\"retries\":2,\"method\":\"POST\"}" + CONTEXT + "}",
        "{\"type\":\"crash\",\"timestamp\":\"%s\",\"payload\":{\"exception\":\"NullPointerException\",\"stack_trace\":"
                + "\"at com.myapp.MainActivity.onCreate(MainActivity.java:42)\\nat android.app.Activity.performCreate(Activity.java:8000)"
                + "\\nat android.app.Instrumentation.callActivityOnCreate(Instrumentation.java:1309)\",\"fatal\":true}" + CONTEXT + "}",
        "{\"type\":\"slow_render\",\"timestamp\":\"%s\",\"payload\":{\"screen\":\"ProductDetailScreen\",\"fps\":12,"
                + "\"jank_frames\":18,\"duration_ms\":3400}" + CONTEXT + "}",
    };

    /**
     * A CC batch: the envelope of {@link RealisticBodies} with {@link #CC_EVENTS} in rotation,
     * starting at {@code first}, so a pool of single-event bodies holds every type too (all
     * {@code page_hit} made every row of {@code cc-1} the same index key).
     */
    static String cc(int n, Instant at, int first) {
        String envelope = RealisticBodies.cc(0, at);
        StringBuilder b = new StringBuilder(envelope.length() + n * 460).append(envelope, 0, envelope.length() - 2);
        String ts = at.minusSeconds(5).toString();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(CC_EVENTS[(first + i) % CC_EVENTS.length], ts));
        }
        return b.append("]}").toString();
    }

    private static List<byte[]> pool(IntFunction<String> body, boolean gzip) {
        List<byte[]> out = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            byte[] raw = body.apply(i).getBytes(StandardCharsets.UTF_8);
            out.add(gzip ? gzip(raw) : raw);
        }
        return out;
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final String[][] CANARY = {
        {"event", "signup", "\"value\":1,\"meta\":{\"plan\":\"pro\",\"source\":\"landing-page\",\"campaign\":\"black-friday\"}"},
        {"event", "payment", "\"value\":29.99,\"meta\":{\"plan\":\"pro\",\"currency\":\"EUR\",\"provider\":\"stripe\"}"},
        {"error", "webhook failed", "\"message\":\"timeout after 3 retries calling https://hooks.example.com/orders\","
                + "\"meta\":{\"attempts\":3,\"endpoint\":\"orders\"}"},
        {"event", "report-generated", "\"value\":1840,\"meta\":{\"report\":\"monthly-revenue\",\"rows\":5120}"},
    };

    static String canaryHub(int n, Instant at) {
        StringBuilder b = new StringBuilder(n * 200).append("{\"events\":[");
        String ts = at.minusSeconds(5).toString();
        for (int i = 0; i < n; i++) {
            String[] e = CANARY[i % CANARY.length];
            b.append(i == 0 ? "" : ",").append("{\"type\":\"").append(e[0]).append("\",\"name\":\"").append(e[1])
                    .append("\",").append(e[2]).append(",\"ts\":\"").append(ts).append("\"}");
        }
        return b.append("]}").toString();
    }

    private static final String[] TRENCH = {
        "\"event_type\":\"tool_use\",%s,\"data\":{\"tool_name\":\"Read\",\"tool_input_preview\":\"/src/components/dashboard/Sidebar.tsx\"}",
        "\"event_type\":\"tool_result\",%s,\"data\":{\"tool_name\":\"Read\",\"success\":true,\"duration_ms\":41,"
                + "\"output_preview\":\"export function Sidebar({ items }: Props) {\"}",
        "\"event_type\":\"tool_use\",%s,\"data\":{\"tool_name\":\"Bash\",\"tool_input_preview\":\"npm test -- --watch=false\"}",
        "\"event_type\":\"tool_result\",%s,\"data\":{\"tool_name\":\"Bash\",\"success\":false,\"duration_ms\":5230,"
                + "\"output_preview\":\"FAIL src/components/dashboard/Sidebar.test.tsx\"}",
        "\"event_type\":\"assistant_stop\",%s,\"data\":{\"stop_reason\":\"end_turn\",\"output_tokens\":812}",
    };

    static String trenchcoat(int n, Instant at) {
        String session = UUID.nameUUIDFromBytes(("bench-" + at.toEpochMilli()).getBytes(StandardCharsets.UTF_8)).toString();
        String common = "\"session_id\":\"" + session + "\",\"timestamp\":\"" + at.minusSeconds(5) + "\"";
        StringBuilder b = new StringBuilder(n * 220).append("{\"events\":[");
        for (int i = 0; i < n; i++) {
            String body = i == 0 ? "\"event_type\":\"session_start\"," + common + ",\"data\":{\"model\":\"claude-sonnet\",\"cwd\":\"/work/app\"}"
                    : i == n - 1 ? "\"event_type\":\"session_end\"," + common + ",\"data\":{\"reason\":\"exit\"}"
                    : String.format(TRENCH[i % TRENCH.length], common);
            b.append(i == 0 ? "" : ",").append('{').append(body).append('}');
        }
        return b.append("]}").toString();
    }

    /** Headers for one request with {@code key}. */
    Map<String, String> headers(String key) {
        return gzip ? Map.of(authHeader, authPrefix + key, "Content-Encoding", "gzip") : Map.of(authHeader, authPrefix + key);
    }
}
