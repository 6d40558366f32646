package io.sluice.gateway.enrich;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.gateway.privacy.PrivacyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * CPU per event of geo enrichment, device enrichment (cached user agents) and a full privacy
 * policy, on 50-event requests whose events each carry their own user/location/device blocks
 * (the worst case: CC batches share one block per request). A main, not a test.
 */
public final class EnrichmentCostProbe {

    public static void main(String[] args) throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        Path db = Files.createTempFile("cost", ".mmdb");
        GeoEnricherTest.writeTestDatabase(db);
        GeoEnricher geo = new GeoEnricher(db.toFile());
        DeviceEnricher devices = new DeviceEnricher(10_000);
        PrivacyPolicy policy = PrivacyPolicy.parse(json.readTree("{\"fields\":{\"email\":\"hash\",\"phone\":\"drop\","
                + "\"ip_address\":\"truncate\",\"coordinates\":\"truncate\",\"custom\":\"hash\"}}"), "salt");
        List<List<CanonicalEvent>> requests = new ArrayList<>();
        for (int r = 0; r < 400; r++) {
            List<CanonicalEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(new CanonicalEvent("evt_" + i, "req_" + r, "p", "app", "ios", "2.4.1", "s", "click", Instant.now(),
                        Instant.now(), "cc",
                        json.readTree("{\"id\":\"u" + i + "\",\"email\":\"u" + i + "@example.com\",\"phone\":\"+44 7700 " + i + "\"}"),
                        json.readTree("{\"user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_" + (i % 5) + " like Mac OS X) "
                                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\"}"),
                        json.readTree("{\"ip_address\":\"82.45.123." + i + "\",\"latitude\":51.5073,\"longitude\":-0.1277}"),
                        json.createObjectNode().put("screen", "Home"), null,
                        json.readTree("{\"ssn\":\"078-05-1120\",\"color\":\"blue\"}")));
            }
            requests.add(events);
        }
        for (int warm = 0; warm < 5; warm++) {
            requests.forEach(r -> policy.apply(devices.apply(geo.apply(r))));
        }
        int events = requests.size() * 50;
        long g = 0;
        long d = 0;
        long p = 0;
        int rounds = 5;
        for (int round = 0; round < rounds; round++) {
            for (List<CanonicalEvent> r : requests) {
                long t0 = System.nanoTime();
                List<CanonicalEvent> located = geo.apply(r);
                long t1 = System.nanoTime();
                List<CanonicalEvent> withDevice = devices.apply(located);
                long t2 = System.nanoTime();
                policy.apply(withDevice);
                long t3 = System.nanoTime();
                g += t1 - t0;
                d += t2 - t1;
                p += t3 - t2;
            }
        }
        long n = (long) events * rounds;
        System.out.printf("per event: geo %.2f us, device (cached agents) %.2f us, privacy policy %.2f us (JDK %s)%n",
                g / 1000.0 / n, d / 1000.0 / n, p / 1000.0 / n, System.getProperty("java.version"));
        geo.close();
    }
}
