package io.sluice.scorer.alert;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.Dialect;
import io.sluice.common.id.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeded-random app traffic for scoring scenarios: per minute about 30 sessions, each with three
 * screen views and, at baseline rates, slow renders, rage taps, network errors, ANRs and crashes;
 * CanaryHub-style errors for apps that send them. An {@link Incident} raises one of those rates
 * from its onset. Every generated event is kept, so a test can recompute any window's numbers
 * independently of the scorer.
 */
final class Traffic {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final List<String> SCREENS = List.of("HomeScreen", "ProductDetailScreen", "CheckoutScreen", "SettingsScreen");
    static final List<String> ENDPOINTS = List.of("/api/v1/products", "/api/v1/cart", "/api/v1/checkout", "/api/v1/profile");
    static final List<String[]> SIGNATURES = List.of(
            new String[] {"NullPointerException", "at com.shop.Main.onCreate(Main.kt:42)"},
            new String[] {"IndexOutOfBoundsException", "at com.shop.list.Adapter.bind(Adapter.kt:17)"},
            new String[] {"OutOfMemoryError", "at com.shop.image.Decoder.decode(Decoder.kt:88)"});

    /** What changes from {@code onset} (minutes from the start) until {@code end}. */
    enum Kind { NONE, CRASH_IOS_18_1, ANR_ANDROID_14, CHECKOUT_ERRORS, SLOW_PRODUCT_DETAIL, RAGE_CHECKOUT, ERROR_BURST,
        NEW_SIGNATURE }

    record Incident(Kind kind, int onset, int end) {
        boolean active(int minute) {
            return minute >= onset && minute < end;
        }
    }

    /** A generated session, with what the scorer's health counters count about it. */
    record Session(String id, String platform, String os, String version, Instant start, Instant crashAt) {
        String osLabel() {
            return platform + " " + os;
        }
    }

    final String project;
    final String app;
    final Instant t0;
    final Incident incident;
    final List<Session> sessions = new ArrayList<>();
    final List<CanonicalEvent> events = new ArrayList<>();
    private final Random random;

    Traffic(String project, String app, Instant t0, long seed, Incident incident) {
        this.project = project;
        this.app = app;
        this.t0 = t0;
        this.incident = incident;
        this.random = new Random(seed);
    }

    /** Generates minutes [from, to) and returns one record body per session (or per minute of errors). */
    List<List<CanonicalEvent>> generate(int from, int to) {
        List<List<CanonicalEvent>> records = new ArrayList<>();
        for (int m = from; m < to; m++) {
            Instant minute = t0.plus(Duration.ofMinutes(m));
            boolean on = incident.active(m);
            int count = 25 + random.nextInt(11);
            for (int i = 0; i < count; i++) {
                records.add(session(minute.plusSeconds(random.nextInt(30)), on, m, i < SIGNATURES.size() && m == 0 ? i : -1));
            }
            if (incident.kind() == Kind.ERROR_BURST) {
                int errors = on ? 20 + random.nextInt(5) : random.nextInt(3);
                List<CanonicalEvent> batch = new ArrayList<>();
                for (int e = 0; e < errors; e++) {
                    batch.add(event(null, "error", minute.plusSeconds(random.nextInt(60)), "unknown", null, null,
                            payload().put("name", "webhook failed").put("message", "timeout after 3 retries")));
                }
                if (!batch.isEmpty()) {
                    records.add(batch);
                }
            }
        }
        return records;
    }

    /** One session; {@code historySignature} ≥ 0 makes it crash with that baseline signature (app history). */
    private List<CanonicalEvent> session(Instant start, boolean on, int minute, int historySignature) {
        String id = "s-" + app + "-" + Ids.request().substring(4);
        boolean ios = random.nextDouble() < 0.6;
        String platform = ios ? "ios" : "android";
        String os = ios ? (random.nextDouble() < 2.0 / 3 ? "18.1" : "17.5") : (random.nextBoolean() ? "14" : "13");
        boolean newSignature = incident.kind() == Kind.NEW_SIGNATURE && minute >= incident.onset()
                && minute < incident.onset() + 3 && !newSignatureDoneFor(minute);
        String version = newSignature ? "2.4.1" : "2.4.0";
        List<CanonicalEvent> batch = new ArrayList<>();
        for (int v = 0; v < 3; v++) {
            String screen = SCREENS.get(random.nextInt(SCREENS.size()));
            Instant at = start.plusSeconds(10L * v);
            batch.add(event(id, "page_hit", at, platform, os, version, payload().put("screen", screen)));
            double slow = on && incident.kind() == Kind.SLOW_PRODUCT_DETAIL && screen.equals("ProductDetailScreen") ? 0.4 : 0.02;
            if (random.nextDouble() < slow) {
                batch.add(event(id, "slow_render", at.plusSeconds(1), platform, os, version,
                        payload().put("screen", screen).put("fps", 12).put("duration_ms", 3400)));
            }
            double rage = on && incident.kind() == Kind.RAGE_CHECKOUT && screen.equals("CheckoutScreen") ? 0.3 : 0.01;
            if (random.nextDouble() < rage) {
                batch.add(event(id, "friction", at.plusSeconds(2), platform, os, version,
                        payload().put("signal", "rage_tap").put("screen", screen).put("tap_count", 6)));
            }
        }
        if (random.nextDouble() < 0.03) {
            batch.add(networkError(id, start, platform, os, version, ENDPOINTS.get(random.nextInt(ENDPOINTS.size())), 800));
        }
        if (on && incident.kind() == Kind.CHECKOUT_ERRORS && random.nextDouble() < 0.5) {
            batch.add(networkError(id, start, platform, os, version, "/api/v1/checkout", 4200));
        }
        double anr = on && incident.kind() == Kind.ANR_ANDROID_14 && platform.equals("android") && os.equals("14") ? 0.6 : 0.003;
        if (random.nextDouble() < anr) {
            batch.add(event(id, "anr", start.plusSeconds(15), platform, os, version,
                    payload().put("screen", "CheckoutScreen").put("blocked_ms", 6200).put("thread", "main")));
        }
        double crash = on && incident.kind() == Kind.CRASH_IOS_18_1 && platform.equals("ios") && os.equals("18.1") ? 0.4 : 0.003;
        Instant crashAt = null;
        if (historySignature >= 0) {
            crashAt = start.plusSeconds(25);
            String[] sig = SIGNATURES.get(historySignature);
            batch.add(crash(id, crashAt, platform, os, version, sig[0], sig[1]));
        } else if (newSignature) {
            crashAt = start.plusSeconds(25);
            batch.add(crash(id, crashAt, platform, os, version, "IllegalStateException", "at com.shop.cart.Cart.total(Cart.kt:88)"));
        } else if (random.nextDouble() < crash) {
            crashAt = start.plusSeconds(25);
            String[] sig = on && incident.kind() == Kind.CRASH_IOS_18_1 ? SIGNATURES.get(0)
                    : SIGNATURES.get(random.nextInt(SIGNATURES.size()));
            batch.add(crash(id, crashAt, platform, os, version, sig[0], sig[1]));
        }
        sessions.add(new Session(id, platform, os, version, start, crashAt));
        return batch;
    }

    private boolean newSignatureDoneFor(int minute) {
        Instant from = t0.plus(Duration.ofMinutes(minute));
        Instant to = from.plus(Duration.ofMinutes(1));
        return sessions.stream().anyMatch(s -> s.version().equals("2.4.1") && !s.start().isBefore(from) && s.start().isBefore(to));
    }

    private CanonicalEvent networkError(String id, Instant start, String platform, String os, String version,
            String endpoint, int latency) {
        return event(id, "network_error", start.plusSeconds(5), platform, os, version, payload().put("endpoint", endpoint)
                .put("status_code", 503).put("latency_ms", latency).put("retries", 2));
    }

    private CanonicalEvent crash(String id, Instant at, String platform, String os, String version, String exception,
            String frame) {
        return event(id, "crash", at, platform, os, version, payload().put("exception", exception)
                .put("stack_trace", frame + "\n  at com.shop.Base.run(Base.kt:1)").put("fatal", true));
    }

    private CanonicalEvent event(String session, String type, Instant at, String platform, String os, String version,
            ObjectNode payload) {
        ObjectNode device = JSON.createObjectNode();
        if (os != null) {
            device.put("os_version", os);
        }
        CanonicalEvent e = new CanonicalEvent(Ids.event(), Ids.request(), project, app, platform, version, session, type,
                at, at.plusSeconds(1), session == null ? Dialect.CANARYHUB : Dialect.CC, null,
                device.isEmpty() ? null : device, null, payload, null, null);
        events.add(e);
        return e;
    }

    private static ObjectNode payload() {
        return JSON.createObjectNode();
    }

    // --- independent recomputation of what an alert's numbers must be -------------------------

    /** Sessions starting in [from, to) matching {@code filter}. */
    long sessions(Instant from, Instant to, Predicate<Session> filter) {
        return sessions.stream().filter(s -> !s.start().isBefore(from) && s.start().isBefore(to) && filter.test(s)).count();
    }

    /** Sessions whose crash falls in [from, to). */
    long crashedSessions(Instant from, Instant to, Predicate<Session> filter) {
        return sessions.stream().filter(s -> s.crashAt() != null && !s.crashAt().isBefore(from) && s.crashAt().isBefore(to)
                && filter.test(s)).count();
    }

    /** Events of {@code type} in [from, to) matching {@code filter}. */
    long events(String type, Instant from, Instant to, Predicate<CanonicalEvent> filter) {
        return events.stream().filter(e -> e.type().equals(type) && !e.timestamp().isBefore(from)
                && e.timestamp().isBefore(to) && filter.test(e)).count();
    }

    Instant minute(int m) {
        return t0.plus(Duration.ofMinutes(m));
    }
}
