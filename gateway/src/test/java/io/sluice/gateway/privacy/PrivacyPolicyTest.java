package io.sluice.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.RawJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PrivacyPolicyTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final JsonNode USER = JSON.readTree("{\"id\":\"u1\",\"email\":\"jane@example.com\",\"phone\":\"+44 7700 900123\","
            + "\"name\":\"Jane Doe\",\"age\":34,\"gender\":\"f\",\"plan\":\"pro\",\"custom\":{\"home_address\":\"1 High St\"}}");
    static final JsonNode LOCATION = JSON.readTree("{\"city\":\"London\",\"ip_address\":\"82.45.123.10\","
            + "\"latitude\":51.507351,\"longitude\":-0.127758,\"accuracy_metres\":5}");
    static final JsonNode CUSTOM = JSON.readTree("{\"ssn\":\"078-05-1120\",\"favorite_color\":\"blue\"}");

    static CanonicalEvent event(JsonNode user, JsonNode location, JsonNode custom, JsonNode tags) {
        return new CanonicalEvent("evt_1", "req_1", "p", "app", "ios", "1.0", "s", "click", Instant.EPOCH, Instant.EPOCH,
                "cc", user, null, location, JSON.createObjectNode(), tags, custom);
    }

    static PrivacyPolicy policy(String json) {
        return PrivacyPolicy.parse(JSON.readTree(json), "salt-a");
    }

    @Test
    void defaultKeepsEverythingAndReportsWhatWasPresent() {
        CanonicalEvent e = event(USER, LOCATION, CUSTOM, null);
        PrivacyPolicy.Applied a = PrivacyPolicy.DEFAULT.apply(List.of(e));
        assertThat(a.events().get(0)).isSameAs(e);
        assertThat(a.present().get(0)).containsExactly("age", "coordinates", "custom.home_address", "custom.ssn", "email",
                "gender", "ip_address", "name", "phone");
    }

    @Test
    void eachActionOnEachField() {
        PrivacyPolicy p = policy("{\"fields\":{\"email\":\"hash\",\"phone\":\"drop\",\"name\":\"drop\",\"age\":\"keep\","
                + "\"gender\":\"hash\",\"ip_address\":\"truncate\",\"coordinates\":\"truncate\",\"custom\":\"hash\"}}");
        CanonicalEvent out = p.apply(List.of(event(USER, LOCATION, CUSTOM, null))).events().get(0);
        assertThat(out.user().get("email").stringValue()).startsWith("sha256:").hasSize(71)
                .isEqualTo(p.hash("jane@example.com"));
        assertThat(out.user().has("phone")).isFalse();
        assertThat(out.user().has("name")).isFalse();
        assertThat(out.user().get("age").intValue()).isEqualTo(34);
        assertThat(out.user().get("gender").stringValue()).startsWith("sha256:");
        assertThat(out.user().get("plan").stringValue()).isEqualTo("pro");
        assertThat(out.user().get("custom").get("home_address").stringValue()).startsWith("sha256:");
        assertThat(out.location().get("ip_address").stringValue()).isEqualTo("82.45.123.0");
        assertThat(out.location().get("latitude").doubleValue()).isEqualTo(51.51);
        assertThat(out.location().get("longitude").doubleValue()).isEqualTo(-0.13);
        assertThat(out.custom().get("ssn").stringValue()).startsWith("sha256:");
        assertThat(out.custom().get("favorite_color").stringValue()).isEqualTo("blue");
        // The input blocks are untouched (they may be shared by other events of the request).
        assertThat(USER.get("email").stringValue()).isEqualTo("jane@example.com");
        PrivacyPolicy drop = policy("{\"fields\":{\"ip_address\":\"drop\",\"coordinates\":\"drop\",\"custom\":\"drop\"}}");
        CanonicalEvent dropped = drop.apply(List.of(event(USER, LOCATION, CUSTOM, null))).events().get(0);
        assertThat(dropped.location().has("ip_address")).isFalse();
        assertThat(dropped.location().has("latitude")).isFalse();
        assertThat(dropped.location().has("accuracy_metres")).isFalse();
        assertThat(dropped.location().get("city").stringValue()).isEqualTo("London");
        assertThat(dropped.custom().has("ssn")).isFalse();
    }

    @Test
    void hashesAreSaltedPerProjectAndIpv6TruncatesToA48() {
        assertThat(policy("{\"fields\":{\"email\":\"hash\"}}").hash("x"))
                .isNotEqualTo(PrivacyPolicy.parse(JSON.readTree("{\"fields\":{\"email\":\"hash\"}}"), "salt-b").hash("x"));
        assertThat(PrivacyPolicy.truncateIp("2001:db8:85a3:8d3:1319:8a2e:370:7348")).isEqualTo("2001:db8:85a3:0:0:0:0:0");
        assertThat(PrivacyPolicy.truncateIp("not an ip")).isEmpty();
    }

    @Test
    void preciseCoordinatesNeedTheConsentFlagThePolicyNames() {
        PrivacyPolicy p = policy("{\"consent_flag\":\"location_consent\"}");
        CanonicalEvent without = p.apply(List.of(event(null, LOCATION, null, null))).events().get(0);
        assertThat(without.location().has("latitude")).isFalse();
        CanonicalEvent withCustom = p.apply(List.of(event(null, LOCATION, JSON.readTree("{\"location_consent\":true}"),
                null))).events().get(0);
        assertThat(withCustom.location().get("latitude").doubleValue()).isEqualTo(51.507351);
        CanonicalEvent withTag = p.apply(List.of(event(null, LOCATION, null, JSON.readTree("{\"location_consent\":\"true\"}"))))
                .events().get(0);
        assertThat(withTag.location().get("longitude").doubleValue()).isEqualTo(-0.127758);
    }

    /** A block as the CC reader keeps one it did not build into a tree: its bytes. */
    static JsonNode asSent(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new RawJson(bytes, 0, bytes.length).node(JSON.getNodeFactory());
    }

    @Test
    void theConsentFlagIsFoundInCustomAndTagsKeptAsTheirBytes() {
        PrivacyPolicy p = policy("{\"consent_flag\":\"location_consent\"}");
        CanonicalEvent withCustom = p.apply(List.of(event(null, LOCATION, asSent("{\"other\":1,\"location_consent\":true}"),
                null))).events().get(0);
        assertThat(withCustom.location().get("latitude").doubleValue()).isEqualTo(51.507351);
        CanonicalEvent withTag = p.apply(List.of(event(null, LOCATION, asSent("{\"trace\":\"t\"}"),
                asSent("{\"location_consent\":\"true\"}")))).events().get(0);
        assertThat(withTag.location().get("longitude").doubleValue()).isEqualTo(-0.127758);
        CanonicalEvent refused = p.apply(List.of(event(null, LOCATION, asSent("{\"location_consent\":false}"),
                asSent("{\"location_consent\":\"no\"}")))).events().get(0);
        assertThat(refused.location().has("latitude")).isFalse();
        // Kept as bytes means no personal data among custom's keys (the reader builds a tree otherwise).
        CanonicalEvent e = event(null, null, asSent("{\"trace\":\"t\"}"), null);
        PrivacyPolicy.Applied a = policy("{\"fields\":{\"custom\":\"drop\"}}").apply(List.of(e));
        assertThat(a.events().get(0)).isSameAs(e);
        assertThat(a.present().get(0)).isEmpty();
    }

    @Test
    void eventsWithTheSameBlocksShareOneSetOfFieldsPresent() {
        CanonicalEvent a = event(USER, LOCATION, null, null);
        CanonicalEvent b = event(USER, LOCATION, asSent("{\"trace\":\"t\"}"), null);
        CanonicalEvent withCustom = event(USER, LOCATION, CUSTOM, null);
        CanonicalEvent otherUser = event(JSON.readTree("{\"email\":\"x@y.z\"}"), LOCATION, null, null);
        for (PrivacyPolicy p : List.of(PrivacyPolicy.DEFAULT, policy("{\"fields\":{\"email\":\"hash\"}}"))) {
            List<java.util.Set<String>> present = p.apply(List.of(a, b, withCustom, a, otherUser)).present();
            assertThat(present.get(1)).isSameAs(present.get(0));
            assertThat(present.get(0)).containsExactly("age", "coordinates", "custom.home_address", "email", "gender",
                    "ip_address", "name", "phone");
            assertThat(present.get(2)).contains("custom.ssn").isNotSameAs(present.get(0));
            assertThat(present.get(3)).isEqualTo(present.get(0));
            assertThat(present.get(4)).containsExactly("coordinates", "email", "ip_address");
        }
    }

    @Test
    void invalidPoliciesAreNamed() {
        assertThat(PrivacyPolicy.problems(JSON.readTree("{\"fields\":{\"email\":\"truncate\",\"shoe_size\":\"drop\","
                + "\"coordinates\":\"hash\",\"phone\":\"encrypt\"},\"consent_flag\":\"\",\"other\":1}")))
                .hasSize(6).anySatisfy(m -> assertThat(m).startsWith("privacy.fields.email"))
                .anySatisfy(m -> assertThat(m).startsWith("privacy.fields.shoe_size"));
        assertThat(PrivacyPolicy.problems(JSON.readTree("{\"fields\":{\"email\":\"hash\"},\"consent_flag\":\"c\"}"))).isEmpty();
    }

    /** Every allowed action on every field: the value is kept, hashed, truncated or gone. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "email,keep", "email,hash", "email,drop", "phone,keep", "phone,hash", "phone,drop",
        "name,keep", "name,hash", "name,drop", "age,keep", "age,hash", "age,drop",
        "gender,keep", "gender,hash", "gender,drop", "ip_address,keep", "ip_address,hash", "ip_address,truncate",
        "ip_address,drop", "coordinates,keep", "coordinates,truncate", "coordinates,drop",
        "custom,keep", "custom,hash", "custom,drop"})
    void eachActionOnEachField(String field, String action) {
        PrivacyPolicy p = policy("{\"fields\":{\"" + field + "\":\"" + action + "\"}}");
        assertThat(PrivacyPolicy.problems(JSON.readTree("{\"fields\":{\"" + field + "\":\"" + action + "\"}}"))).isEmpty();
        CanonicalEvent out = p.apply(List.of(event(USER, LOCATION, CUSTOM, null))).events().get(0);
        JsonNode block = switch (field) {
            case "ip_address", "coordinates" -> out.location();
            case "custom" -> out.custom();
            default -> out.user();
        };
        String key = switch (field) {
            case "coordinates" -> "latitude";
            case "custom" -> "ssn";
            default -> field;
        };
        JsonNode original = switch (field) {
            case "ip_address", "coordinates" -> LOCATION.get(key);
            case "custom" -> CUSTOM.get(key);
            default -> USER.get(key);
        };
        switch (action) {
            case "keep" -> assertThat(block.get(key)).isEqualTo(original);
            case "drop" -> assertThat(block.has(key)).isFalse();
            case "hash" -> assertThat(block.get(key).stringValue())
                    .isEqualTo(p.hash(original.isString() ? original.stringValue() : original.toString()));
            default -> assertThat(block.get(key).toString()).isEqualTo(field.equals("ip_address") ? "\"82.45.123.0\"" : "51.51");
        }
        // Other fields are untouched by this field's action.
        assertThat(out.user().get("plan").stringValue()).isEqualTo("pro");
        assertThat(out.custom().get("favorite_color").stringValue()).isEqualTo("blue");
    }
}
