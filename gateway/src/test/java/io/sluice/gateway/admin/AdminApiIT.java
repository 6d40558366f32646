package io.sluice.gateway.admin;

import io.sluice.gateway.support.SeedBodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.SharedInfrastructure;
import io.sluice.gateway.support.GatewayHarness;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The admin API, and revocation reaching a second gateway replica within one second. */
class AdminApiIT {

    static final String ADMIN = "admin-token-for-tests";
    static GatewayHarness a;
    static GatewayHarness b;

    @BeforeAll
    static void start() {
        SharedInfrastructure infra = SharedInfrastructure.get();
        a = GatewayHarness.start(infra.postgres(), infra.kafka(), "--sluice.admin.token=" + ADMIN);
        b = GatewayHarness.start(infra.postgres(), infra.kafka(), "--sluice.admin.token=" + ADMIN);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    static WebTestClient.RequestHeadersSpec<?> admin(GatewayHarness g, String method, String path, Object body) {
        var spec = g.client().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path)
                .header("Authorization", "Bearer " + ADMIN);
        return body == null ? spec : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> createKey(GatewayHarness g, String project, String body) {
        return admin(g, "POST", "/admin/v1/projects/" + project + "/keys", body).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    void adminApiNeedsTheAdminToken() {
        a.client().get().uri("/admin/v1/projects").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("Admin token"));
        a.client().get().uri("/admin/v1/projects").header("Authorization", "Bearer wrong").exchange()
                .expectStatus().isUnauthorized();
        try (GatewayHarness disabled = GatewayHarness.start()) {
            disabled.client().get().uri("/admin/v1/projects").header("Authorization", "Bearer anything").exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.error").value(v -> assertThat((String) v).contains("SLUICE_ADMIN_TOKEN"));
        }
    }

    @Test
    void projectsAreCreatedListedAndUpdated() {
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"acme\",\"name\":\"Acme\",\"plan\":\"pro\","
                + "\"monthly_event_quota\":1000000,\"allowed_app_ids\":[\"shop-ios\"]}")
                .exchange().expectStatus().isCreated().expectBody()
                .jsonPath("$.id").isEqualTo("acme").jsonPath("$.plan").isEqualTo("pro")
                .jsonPath("$.monthly_event_quota").isEqualTo(1000000)
                .jsonPath("$.allowed_app_ids[0]").isEqualTo("shop-ios");
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"acme\",\"name\":\"Again\"}").exchange()
                .expectStatus().isEqualTo(409);
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"Bad Id\",\"name\":\"x\",\"monthly_event_quota\":-1}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.details.length()").isEqualTo(2);
        admin(a, "POST", "/admin/v1/projects", "{\"name\":\"Generated\"}").exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.id").value(v -> assertThat((String) v).startsWith("prj_"))
                .jsonPath("$.plan").isEqualTo("free");
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"plan\":\"enterprise\",\"monthly_event_quota\":null}").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.plan").isEqualTo("enterprise")
                .jsonPath("$.monthly_event_quota").doesNotExist()
                .jsonPath("$.name").isEqualTo("Acme");
        admin(a, "GET", "/admin/v1/projects/acme", null).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.usage.events").isEqualTo(0)
                .jsonPath("$.default_app_id").isEqualTo("default").jsonPath("$.events_dialect").doesNotExist();
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"default_app_id\":\"agents\",\"events_dialect\":\"trenchcoat\"}")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.default_app_id").isEqualTo("agents").jsonPath("$.events_dialect").isEqualTo("trenchcoat");
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"events_dialect\":\"segment\",\"default_app_id\":\"\"}")
                .exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.details[*].field").value(f -> assertThat(f.toString()).contains("events_dialect", "default_app_id"));
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"events_dialect\":null}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.events_dialect").doesNotExist();
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"scoring\":{\"crash_rate_spike\":{\"min_ratio\":3}}}")
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.scoring.crash_rate_spike.min_ratio").isEqualTo(3);
        admin(a, "PATCH", "/admin/v1/projects/acme", "{\"scoring\":{\"crash_spike\":{},\"anr_spike\":{\"min_ratio\":-1}}}")
                .exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.details[*].field").value(f -> assertThat(f.toString())
                        .contains("scoring.crash_spike", "scoring.anr_spike.min_ratio"));
        admin(a, "GET", "/admin/v1/projects", null).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.projects[?(@.id == 'acme')].name").isEqualTo("Acme");
        admin(a, "GET", "/admin/v1/projects/nope", null).exchange().expectStatus().isNotFound();
    }

    @Test
    void keySecretIsShownOnceAndListingsNeverShowIt() throws IOException {
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"keys-once\",\"name\":\"K\"}").exchange().expectStatus().isCreated();
        Map<String, Object> created = createKey(a, "keys-once",
                "{\"name\":\"ci\",\"scopes\":[\"write:events\"],\"rate_limit\":{\"events_per_minute\":600,\"burst\":50}}");
        String secret = (String) created.get("key");
        assertThat(secret).startsWith("cc-").hasSize(46);
        assertThat(created).containsEntry("prefix", secret.substring(0, 9))
                .containsEntry("rate_limit", Map.of("events_per_minute", 600, "burst", 50));
        String listing = new String(admin(a, "GET", "/admin/v1/projects/keys-once/keys", null).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(listing).contains((String) created.get("id")).doesNotContain(secret)
                .doesNotContain(io.sluice.common.auth.ApiKeys.hash(secret)).doesNotContain("\"key\"");
        a.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SeedBodies.ccFullExample()).exchange().expectStatus().isOk();
        createKeyFails("{\"scopes\":[]}");
        createKeyFails("{\"scopes\":[\"admin\"]}");
        createKeyFails("{\"scopes\":[\"read:alerts\"],\"rate_limit\":{\"events_per_minute\":0,\"burst\":1}}");
        admin(a, "POST", "/admin/v1/projects/no-such-project/keys", "{\"scopes\":[\"read:alerts\"]}").exchange()
                .expectStatus().isNotFound();
    }

    private void createKeyFails(String body) {
        admin(a, "POST", "/admin/v1/projects/keys-once/keys", body).exchange().expectStatus().isBadRequest();
    }

    @Test
    void revocationReachesAnotherReplicaWithinOneSecond() throws IOException {
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"revoke-me\",\"name\":\"R\"}").exchange().expectStatus().isCreated();
        Map<String, Object> key = createKey(a, "revoke-me", "{\"scopes\":[\"write:events\"]}");
        String secret = (String) key.get("key");
        String body = SeedBodies.ccFullExample();
        // Replica B has the key cached (known keys are served from memory for minutes).
        b.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isOk();

        admin(a, "POST", "/admin/v1/keys/" + key.get("id") + "/revoke", null).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.revoked_at").exists();
        long revokedAt = System.nanoTime();

        int status = 200;
        long elapsed = 0;
        while (status != 401 && elapsed < Duration.ofSeconds(1).toNanos()) {
            status = b.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).exchange().returnResult(String.class).getStatus().value();
            elapsed = System.nanoTime() - revokedAt;
        }
        assertThat(status).as("replica B after %d ms", elapsed / 1_000_000).isEqualTo(401);
        System.out.printf("revocation reached replica B after %d ms%n", elapsed / 1_000_000);
        b.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("API key revoked.");
    }

    @Test
    void projectChangesReachKeysAlreadyCached() throws IOException {
        admin(a, "POST", "/admin/v1/projects", "{\"id\":\"apps-change\",\"name\":\"A\"}").exchange().expectStatus().isCreated();
        String secret = (String) createKey(a, "apps-change", "{\"scopes\":[\"write:events\"]}").get("key");
        b.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(SeedBodies.ccFullExample()).exchange().expectStatus().isOk();
        admin(a, "PATCH", "/admin/v1/projects/apps-change", "{\"allowed_app_ids\":[\"other-app\"]}").exchange()
                .expectStatus().isOk();
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        int status = 200;
        while (status != 403 && System.nanoTime() < deadline) {
            status = b.client().post().uri("/v1/ingest").header("X-API-Key", secret).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(SeedBodies.ccFullExample()).exchange().returnResult(String.class).getStatus().value();
        }
        assertThat(status).isEqualTo(403);
    }
}
