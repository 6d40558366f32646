package io.sluice.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The substring test for personal-data keys in {@code custom} decides exactly as the documented pattern. */
class SensitiveKeyTest {

    /** The rule as docs/api.md states it. */
    static final Pattern RULE = Pattern.compile("(?i).*(e-?mail|phone|mobile|ssn|social_?security|passport"
            + "|password|passwd|secret|credit_?card|card_?number|iban|birth|dob|address|first_?name|last_?name"
            + "|full_?name).*");

    @Test
    void namedKeysAreSensitiveWhateverTheirCase() {
        for (String k : List.of("email", "User_E-Mail", "PHONE_NUMBER", "mobileNo", "ssn", "Social_Security", "passportId",
                "db_password", "PASSWD", "api_secret", "creditCard", "card_number", "IBAN", "birthday", "dob",
                "home_address", "FirstName", "last_name", "full_name")) {
            assertThat(PrivacyPolicy.sensitiveKey(k)).as(k).isTrue();
            assertThat(RULE.matcher(k).matches()).as(k).isTrue();
        }
        for (String k : List.of("trace_id", "feature_flags", "connection", "plan", "e_mail", "name", "card")) {
            assertThat(PrivacyPolicy.sensitiveKey(k)).as(k).isFalse();
            assertThat(RULE.matcher(k).matches()).as(k).isFalse();
        }
    }

    @Test
    void randomKeysAreDecidedAsThePatternDecides() {
        Random random = new Random(7);
        String alphabet = "emailphonsBIRTHDOBcrdt_-xyzEMAILPASWRDFULNM1";
        for (int i = 0; i < 300_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = random.nextInt(14); n >= 0; n--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(3) == 0) {
                b.insert(random.nextInt(b.length() + 1), List.of("EMail", "sSn", "dob", "Card_Number", "iban").get(random.nextInt(5)));
            }
            String k = b.toString();
            assertThat(PrivacyPolicy.sensitiveKey(k)).as(k).isEqualTo(RULE.matcher(k).matches());
        }
    }

    @Test
    void rememberedAnswersAreTheSameAnswersAndTheirNumberIsBounded() {
        for (String k : new String[] {"User_Email", "colour", "x".repeat(200) + "passport", "x".repeat(200)}) {
            boolean first = PrivacyPolicy.sensitiveKey(k);
            assertThat(PrivacyPolicy.sensitiveKey(k)).as(k).isEqualTo(first).isEqualTo(RULE.matcher(k).matches());
        }
        for (int i = 0; i < 3 * PrivacyPolicy.SENSITIVE_KEYS_REMEMBERED; i++) {
            String k = "key_" + i + (i % 7 == 0 ? "_phone" : "");
            assertThat(PrivacyPolicy.sensitiveKey(k)).as(k).isEqualTo(i % 7 == 0);
        }
        assertThat(PrivacyPolicy.sensitiveKeysRemembered()).isLessThanOrEqualTo(PrivacyPolicy.SENSITIVE_KEYS_REMEMBERED);
    }
}
