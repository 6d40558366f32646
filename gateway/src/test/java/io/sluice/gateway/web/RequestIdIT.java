package io.sluice.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.DevData;
import io.sluice.gateway.support.GatewayHarness;
import io.sluice.gateway.support.SeedBodies;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Request ids: minted by default, a trusted proxy's kept when configured, unsafe ones replaced. */
class RequestIdIT {

    @Test
    void incomingIdsAreIgnoredUnlessTrustedAndThenOnlyWhenSafe() {
        try (GatewayHarness plain = GatewayHarness.start();
             GatewayHarness trusting = GatewayHarness.start("--sluice.request-id.trust-incoming=true",
                     "--sluice.request-id.access-log=true")) {
            String key = plain.newKey("proj-request-ids", DevData.ALL_SCOPES);
            assertThat(requestId(plain, key, "lb-1234")).matches("req_[0-9A-Z]{26}");
            assertThat(requestId(trusting, key, "lb-1234")).isEqualTo("lb-1234");
            assertThat(requestId(trusting, key, "bad id; rm -rf")).matches("req_[0-9A-Z]{26}");
            assertThat(requestId(trusting, key, "x".repeat(129))).matches("req_[0-9A-Z]{26}");
        }
    }

    /** Sends the seed example with {@code incoming}; checks header and body agree; returns the id. */
    static String requestId(GatewayHarness g, String key, String incoming) {
        var result = g.client().post().uri("/v1/ingest").header("Authorization", "Bearer " + key)
                .header("X-Request-Id", incoming).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SeedBodies.ccFullExample()).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult();
        String header = result.getResponseHeaders().getFirst("X-Request-Id");
        assertThat(result.getResponseBody().get("request_id")).isEqualTo(header);
        return header;
    }
}
