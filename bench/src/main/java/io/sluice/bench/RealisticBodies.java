package io.sluice.bench;

import java.time.Instant;

/** CC request bodies that look like real traffic: mixed types, full user/device/location blocks. */
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

    /** A CC body with {@code n} events (about 450 bytes each with the shared envelope). */
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
}
