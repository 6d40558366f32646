package io.sluice.gateway.ingest;

import io.sluice.gateway.support.SeedBodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * A corpus of well over 100 malformed and hostile bodies: each gets a 4xx JSON answer (never a
 * 500, never a hang), and the gateway is healthy and still ingests afterwards.
 */
class HostileBodiesIT {

    static GatewayHarness gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.start();
        key = gateway.newKey("proj-hostile", DevData.ALL_SCOPES);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    record Hostile(String name, byte[] body, boolean gzip, int expectedStatus) {
    }

    @TestFactory
    Stream<DynamicTest> everyHostileBodyGetsA4xxJsonAnswerAndTheGatewayStaysHealthy() throws Exception {
        List<Hostile> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
        Stream<DynamicTest> cases = corpus.stream().map(h -> DynamicTest.dynamicTest(h.name(), () -> send(h)));
        Stream<DynamicTest> after = Stream.of(DynamicTest.dynamicTest("healthy and ingesting afterwards", () -> {
            gateway.client().get().uri("/actuator/health").exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
            gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(SeedBodies.ccFullExample())
                    .exchange().expectStatus().isOk().expectBody().jsonPath("$.accepted").isEqualTo(3);
        }));
        return Stream.concat(cases, after);
    }

    private void send(Hostile h) {
        var request = gateway.client().post().uri("/v1/ingest").header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON);
        if (h.gzip()) {
            request = request.header("Content-Encoding", "gzip");
        }
        EntityExchangeResult<byte[]> result = request.bodyValue(h.body()).exchange()
                .expectBody().returnResult();
        int status = result.getStatus().value();
        String body = result.getResponseBody() == null ? "" : new String(result.getResponseBody(), StandardCharsets.UTF_8);
        assertThat(status).as("%s -> %s", h.name(), body).isBetween(400, 499);
        if (h.expectedStatus() != 0) {
            assertThat(status).as(h.name()).isEqualTo(h.expectedStatus());
        }
        assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(body).startsWith("{\"error\":\"");
    }

    static List<Hostile> corpus() throws IOException {
        List<Hostile> c = new ArrayList<>();
        byte[] seed = SeedBodies.ccFullExample().getBytes(StandardCharsets.UTF_8);
        String seedText = SeedBodies.ccFullExample();

        for (int i = 1; i <= 40; i++) {
            int cut = seed.length * i / 41;
            c.add(new Hostile("truncated at " + cut, Arrays.copyOf(seed, cut), false, 400));
        }
        Random random = new Random(42);
        for (int i = 0; i < 10; i++) {
            int at = seedText.indexOf('"', 1 + random.nextInt(seed.length - 10)) + 1;
            byte[] broken = new byte[seed.length + 2];
            System.arraycopy(seed, 0, broken, 0, at);
            broken[at] = (byte) 0xC3;
            broken[at + 1] = (byte) 0x28;
            System.arraycopy(seed, at, broken, at + 2, seed.length - at);
            c.add(new Hostile("invalid UTF-8 at " + at, broken, false, 400));
        }
        for (String bad : List.of("NaN", "Infinity", "-Infinity", "+1", "0x10", "1.", ".5", "01")) {
            c.add(text("number " + bad, seedText.replace("\"load_time_ms\": 280", "\"load_time_ms\": " + bad)
                    .replace("\"load_time_ms\":280", "\"load_time_ms\":" + bad), 400));
        }
        c.add(text("duplicate top-level key", "{\"app_id\":\"a\",\"app_id\":\"b\",\"events\":[]}", 400));
        c.add(text("duplicate key in user", seedText.replace("\"plan\": \"pro\"", "\"plan\": \"pro\", \"plan\": \"free\""), 400));
        c.add(text("duplicate key in payload", seedText.replace("\"fatal\": true", "\"fatal\": true, \"fatal\": false"), 400));
        c.add(text("duplicate events", "{\"app_id\":\"a\",\"events\":[],\"events\":[]}", 400));
        c.add(new Hostile("10 MB string", ("{\"app_id\":\"" + "x".repeat(10_000_000) + "\"}").getBytes(StandardCharsets.UTF_8), false, 413));
        c.add(text("300 KB app_id", "{\"app_id\":\"" + "x".repeat(300_000) + "\",\"events\":[{}]}", 400));
        for (int depth : List.of(33, 100, 1_000, 10_000, 100_000)) {
            c.add(text("nested arrays " + depth, "{\"app_id\":\"a\",\"events\":[{\"type\":\"custom\",\"payload\":{\"x\":"
                    + "[".repeat(depth) + "]".repeat(depth) + "}}]}", 0));
            c.add(text("nested objects " + depth, "{\"a\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth + 1), 0));
        }
        c.add(new Hostile("gzip bomb 50 MB of zeros", gzip(new byte[50_000_000]), true, 413));
        c.add(new Hostile("gzip bomb 2 MB of spaces", gzip(" ".repeat(2_000_000).getBytes(StandardCharsets.UTF_8)), true, 413));
        c.add(new Hostile("gzip bomb nested", gzip(("{\"a\":" + "[".repeat(3_000_000)).getBytes(StandardCharsets.UTF_8)), true, 413));
        c.add(new Hostile("not gzip", seed, true, 400));
        c.add(new Hostile("truncated gzip", Arrays.copyOf(gzip(seed), 30), true, 400));
        c.add(new Hostile("gzip of garbage", gzip("\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8)), true, 400));
        for (int i = 0; i < 12; i++) {
            byte[] noise = new byte[16 + random.nextInt(4_000)];
            random.nextBytes(noise);
            noise[0] = (byte) (noise[0] == '{' ? '[' : noise[0]);
            c.add(new Hostile("random bytes #" + i, noise, false, 400));
        }
        for (String top : List.of("null", "true", "1", "\"str\"", "[]", "[{}]", "{}", " ", "\n\n")) {
            c.add(text("top-level " + top.strip(), top, 400));
        }
        c.add(text("empty body", "", 400));
        c.add(text("numbers of 100 digits", "{\"app_id\":\"a\",\"events\":[{\"type\":\"click\",\"payload\":{\"x\":"
                + "9".repeat(100) + "}}]}", 400));
        c.add(text("exponent overflow", seedText.replace("\"load_time_ms\": 280", "\"load_time_ms\": 1e99999"), 400));
        c.add(text("exponent overflow in custom", seedText.replace("\"fatal\": true", "\"fatal\": true, \"n\": -1e400"), 400));
        for (char ctl : new char[] {'\u0000', '\u0001', '\u001f', '\n', '\t'}) {
            c.add(text("raw control char " + (int) ctl, "{\"app_id\":\"a" + ctl + "b\",\"events\":[]}", 400));
        }
        c.add(text("comment", "{/* hi */\"app_id\":\"a\",\"events\":[]}", 400));
        c.add(text("line comment", "{\"app_id\":\"a\", // hi\n\"events\":[]}", 400));
        c.add(text("single quotes", "{'app_id':'a','events':[]}", 400));
        c.add(text("unquoted keys", "{app_id:\"a\",events:[]}", 400));
        c.add(text("trailing comma in object", "{\"app_id\":\"a\",\"events\":[],}", 400));
        c.add(text("trailing comma in array", "{\"app_id\":\"a\",\"events\":[{},]}", 400));
        c.add(text("two documents", "{\"app_id\":\"a\",\"events\":[{}]}{\"app_id\":\"a\",\"events\":[{}]}", 400));
        for (String events : List.of("{}", "\"x\"", "1", "null", "true")) {
            c.add(text("events = " + events, "{\"app_id\":\"a\",\"events\":" + events + "}", 400));
        }
        for (String appId : List.of("null", "1", "{}", "[]", "\"\"")) {
            c.add(text("app_id = " + appId, "{\"app_id\":" + appId + ",\"events\":[{}]}", 400));
        }
        c.add(text("missing app_id", "{\"events\":[{}]}", 400));
        c.add(text("1001 events", "{\"app_id\":\"a\",\"events\":[" + "{},".repeat(1000) + "{}]}", 400));
        c.add(text("200,000 events", "{\"app_id\":\"a\",\"events\":[" + "0,".repeat(200_000) + "0]}", 400));
        c.add(text("1,000,000 events (2 MB)", "{\"app_id\":\"a\",\"events\":[" + "0,".repeat(1_000_000) + "0]}", 413));
        c.add(text("user not an object", seedText.replace("\"user\": {", "\"user\": [{").replace("\"plan\": \"pro\"\n}", "\"plan\": \"pro\"\n}]"), 400));
        c.add(text("bad semver", seedText.replace("\"2.4.1\"", "\"v2\""), 400));
        c.add(text("bad platform", seedText.replace("\"ios\"", "\"symbian\""), 400));
        c.add(text("latitude out of range", seedText.replace("\"London\",\n\"timezone\"", "\"London\",\n\"latitude\": 91,\n\"timezone\""), 400));
        c.add(text("unicode escapes broken", "{\"app_id\":\"\\uZZZZ\",\"events\":[]}", 400));
        c.add(text("lone surrogate escape then garbage", "{\"app_id\":\"\\ud800\",\"events\":[}", 400));
        return c;
    }

    private static Hostile text(String name, String body, int status) {
        return new Hostile(name, body.getBytes(StandardCharsets.UTF_8), false, status);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
