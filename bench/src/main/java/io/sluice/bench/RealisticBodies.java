package io.sluice.bench;

import java.time.Instant;

/**
 * CC request bodies that look like real traffic: mixed types, full user/device/location blocks.
 * {@link #harnessCc} is what the benchmark harness sends (tags and custom on every event, about 450
 * bytes per event); {@link #cc} is the smaller body of the first JMH measurements (about 200).
 */
public final class RealisticBodies {

    private static final String[] EVENTS = {
        "{\"type\":\"page_hit\",\"timestamp\":\"%s\",\"payload\":{\"screen\":\"CheckoutScreen\",\"referrer\":\"PushNotification\","
                + "\"load_time_ms\":320,\"is_first_visit\":false},\"tags\":{\"build\":\"4512\",\"flavor\":\"prod\"}}",
        "{\"type\":\"click\",\"timestamp\":\"%s\",\"payload\":{\"element_id\":\"btn-upgrade\",\"element_type\":\"button\","
                + "\"label\":\"Upgrade to Pro\",\"screen\":\"SettingsScreen\",\"x\":194,\"y\":832},\"tags\":{\"build\":\"4512\"}}",
        "{\"type\":\"network_error\",\"timestamp\":\"%s\",\"payload\":{\"endpoint\":\"/api/v1/checkout\",\"status_code\":503,"
                + "\"latency_ms\":4200,\"network_type\":\"4G\",\"retries\":2},\"custom\":{\"region\":\"eu-west\"}}",
        "{\"type\":\"crash\",\"timestamp\":\"%s\",\"payload\":{\"exception\":\"NullPointerException\",\"stack_trace\":"
                + "\"at com.myapp.MainActivity.onCreate(MainActivity.java:42)\\nat android.app.Activity.performCreate(Activity.java:8000)\","
                + "\"fatal\":true,\"os_version\":\"Android 14\",\"device_model\":\"Pixel 8\"}}",
        "{\"type\":\"slow_render\",\"timestamp\":\"%s\",\"payload\":{\"screen\":\"ProductDetailScreen\",\"fps\":12,"
                + "\"jank_frames\":18,\"duration_ms\":3400}}",
    };

    private RealisticBodies() {
    }

    /** A CC body with {@code n} events, tags on two types of five and custom on one (about 200 bytes each). */
    public static String cc(int n, Instant at) {
        StringBuilder b = new StringBuilder(512 + n * 300);
        b.append("{\"app_id\":\"shop-ios\",\"platform\":\"ios\",\"app_version\":\"2.4.1\",\"session_id\":\"sess_")
                .append(Long.toHexString(at.toEpochMilli())).append("\",")
                .append("\"user\":{\"id\":\"usr_9f3a2c\",\"anonymous_id\":\"anon_7b1d4e\",\"email\":\"jane@example.com\","
                        + "\"plan\":\"pro\",\"language\":\"en-GB\"},")
                .append("\"device\":{\"type\":\"mobile\",\"model\":\"iPhone 15 Pro\",\"os\":\"iOS\",\"os_version\":\"18.1\","
                        + "\"manufacturer\":\"Apple\",\"screen_width\":393,\"screen_height\":852,\"screen_density\":3.0,"
                        + "\"battery_level\":0.72,\"low_power_mode\":false,\"network_type\":\"WiFi\",\"carrier\":\"EE\"},")
                .append("\"location\":{\"country\":\"GB\",\"city\":\"London\",\"timezone\":\"Europe/London\","
                        + "\"ip_address\":\"82.45.123.10\"},")
                .append("\"events\":[");
        String ts = at.minusSeconds(5).toString();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(EVENTS[i % EVENTS.length], ts));
        }
        return b.append("]}").toString();
    }

    /**
     * Per-event tags and custom blocks as instrumented apps send them (build, experiment, trace
     * ids, feature flags): with the envelope, about 450 bytes per event.
     */
    private static final String CONTEXT = ",\"tags\":{\"build\":\"4512\",\"flavor\":\"prod\",\"experiment\":\"checkout-v3\","
            + "\"cohort\":\"b\"},\"custom\":{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"feature_flags\":"
            + "[\"new-cart\",\"fast-pay\"],\"connection\":\"wifi\"}";

    private static final String[] HARNESS_EVENTS = {
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
     * The CC batch the benchmark harness sends: the envelope of {@link #cc} with
     * {@link #HARNESS_EVENTS} in rotation, starting at {@code first}, so a pool of single-event
     * bodies holds every type too (all {@code page_hit} made every row of {@code cc-1} the same
     * index key).
     */
    public static String harnessCc(int n, Instant at, int first) {
        String envelope = cc(0, at);
        StringBuilder b = new StringBuilder(envelope.length() + n * 460).append(envelope, 0, envelope.length() - 2);
        String ts = at.minusSeconds(5).toString();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(String.format(HARNESS_EVENTS[(first + i) % HARNESS_EVENTS.length], ts));
        }
        return b.append("]}").toString();
    }
}
