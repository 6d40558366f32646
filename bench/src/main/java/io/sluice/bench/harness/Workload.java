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
                pool(i -> RealisticBodies.harnessCc(n, at.minusMillis(i), i), gzip));
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
