package io.sluice.scorer.alert;

import io.sluice.scorer.alert.Pattern.Dimension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The words of an alert: title, a description with the real numbers, and a recommended action
 * that names the exact {@code /v1/signals} query an agent should make next.
 */
public final class AlertText {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private AlertText() {
    }

    public static String title(Finding f) {
        String name = switch (f.pattern()) {
            case CRASH_RATE_SPIKE -> "Crash rate spike";
            case ANR_SPIKE -> "ANR spike";
            case NETWORK_ERROR_SPIKE -> "Network error spike";
            case SLOW_RENDER_REGRESSION -> "Slow render regression";
            case FRICTION_SPIKE -> "Friction spike";
            case ERROR_BURST -> "Error burst";
            case NEW_CRASH_SIGNATURE -> "New crash signature";
        };
        String scope = f.pattern() == Pattern.NEW_CRASH_SIGNATURE ? f.signature().exception() : label(f);
        return scope.isEmpty() ? name : name + " — " + scope;
    }

    public static String description(Finding f) {
        String where = where(f);
        String window = " in the last " + minutes(Duration.between(f.windowStart(), f.windowEnd())) + " minutes";
        RateCheck c = f.check();
        return switch (f.pattern()) {
            case CRASH_RATE_SPIKE -> "Crash-free session rate dropped from " + pct(1 - f.baselineRate()) + " to "
                    + pct(1 - c.windowRate()) + where + window + " (" + c.windowCount() + " crashed of "
                    + (long) c.windowDenominator() + " sessions).";
            case ANR_SPIKE -> "ANR rate rose from " + per100(f.baselineRate()) + " to " + per100(c.windowRate())
                    + " per 100 sessions" + where + window + " (" + c.windowCount() + " ANRs in "
                    + (long) c.windowDenominator() + " sessions).";
            case NETWORK_ERROR_SPIKE -> "Network errors" + where + " rose from " + per100(f.baselineRate()) + " to "
                    + per100(c.windowRate()) + " per 100 sessions" + window + " (" + c.windowCount()
                    + " errors, average latency " + Math.round(f.windowSum() / Math.max(1, c.windowCount())) + " ms).";
            case SLOW_RENDER_REGRESSION -> "Slow renders" + where + " rose from " + pct(f.baselineRate()) + " to "
                    + pct(c.windowRate()) + " of screen views" + window + " (" + c.windowCount() + " of "
                    + (long) c.windowDenominator() + " views).";
            case FRICTION_SPIKE -> "Rage taps" + where + " rose from " + pct(f.baselineRate()) + " to "
                    + pct(c.windowRate()) + " of screen views" + window + " (" + c.windowCount() + " of "
                    + (long) c.windowDenominator() + " views).";
            case ERROR_BURST -> "Errors" + where + " rose from " + oneDecimal(f.baselineRate()) + " to "
                    + oneDecimal(c.windowRate()) + " per minute" + window + " (" + c.windowCount() + " errors).";
            case NEW_CRASH_SIGNATURE -> {
                Finding.Signature s = f.signature();
                yield "New crash signature" + (s.firstVersion() != null ? " on version " + s.firstVersion() : "") + ": "
                        + s.exception() + (s.topFrame().isEmpty() ? "" : " " + s.topFrame()) + ". " + s.occurrences()
                        + " occurrences since " + HH_MM.format(s.firstSeen()) + " UTC; never seen on this app before.";
            }
        };
    }

    public static String recommendedAction(String appId, Finding f) {
        String type = f.pattern().signalType();
        StringBuilder query = new StringBuilder("/v1/signals?type=").append(type).append("&app_id=").append(enc(appId));
        switch (f.dimension()) {
            case PLATFORM -> query.append("&platform=").append(enc(f.value()));
            case OS -> {
                int space = f.value().indexOf(' ');
                query.append("&platform=").append(enc(f.value().substring(0, space)))
                        .append("&os_version=").append(enc(f.value().substring(space + 1)));
            }
            case VERSION -> query.append("&app_version=").append(enc(f.value()));
            case KEY -> query.append("&name=").append(enc(f.value()));
            case SIGNATURE -> {
                if (f.signature().firstVersion() != null) {
                    query.append("&app_version=").append(enc(f.signature().firstVersion()));
                }
                query.append("&name=").append(enc(f.signature().exception()));
            }
            default -> {
            }
        }
        query.append("&from=").append(enc((f.signature() != null ? f.signature().firstSeen() : f.windowStart()).toString()));
        String verb = switch (f.pattern()) {
            case CRASH_RATE_SPIKE, NEW_CRASH_SIGNATURE -> "Review stack traces in ";
            case ANR_SPIKE -> "Find the blocked screens and threads in ";
            case NETWORK_ERROR_SPIKE -> "Inspect the failing calls (status codes, latency) in ";
            case SLOW_RENDER_REGRESSION -> "Profile the slow screen's frames in ";
            case FRICTION_SPIKE -> "See which elements users rage-tap in ";
            case ERROR_BURST -> "Read the error messages in ";
        };
        return verb + query;
    }

    /** Human label of the dimension value: {@code iOS 18.1}, {@code Android}, {@code version 2.4.1}, a screen. */
    static String label(Finding f) {
        return switch (f.dimension()) {
            case APP -> "";
            case PLATFORM -> platform(f.value());
            case OS -> {
                int space = f.value().indexOf(' ');
                yield platform(f.value().substring(0, space)) + f.value().substring(space);
            }
            case VERSION -> "version " + f.value();
            case KEY, SIGNATURE -> f.value();
        };
    }

    private static String where(Finding f) {
        return switch (f.dimension()) {
            case APP -> "";
            case KEY -> f.pattern() == Pattern.ERROR_BURST ? " named '" + f.value() + "'" : " on " + f.value();
            default -> " on " + label(f);
        };
    }

    static String platform(String p) {
        return switch (p) {
            case "ios" -> "iOS";
            case "android" -> "Android";
            case "web" -> "Web";
            case "react-native" -> "React Native";
            default -> p;
        };
    }

    static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    static String per100(double rate) {
        return String.format(Locale.ROOT, "%.1f", rate * 100);
    }

    static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static long minutes(Duration d) {
        return d.toMinutes();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
