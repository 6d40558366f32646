package io.sluice.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void generatedKeysAreLongRandomAndPrefixed() {
        String a = ApiKeys.generate();
        String b = ApiKeys.generate();
        assertThat(a).startsWith("cc-").hasSize(46).isNotEqualTo(b);
        assertThat(a.substring(3)).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void hashIsSha256HexAndNeverTheKey() {
        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        assertThat(ApiKeys.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String key = ApiKeys.generate();
        assertThat(ApiKeys.hash(key)).hasSize(64).doesNotContain(key.substring(3, 12));
    }

    @Test
    void matchesComparesWholeHashes() {
        String h = ApiKeys.hash("k1");
        assertThat(ApiKeys.matches(h, ApiKeys.hash("k1"))).isTrue();
        assertThat(ApiKeys.matches(h, ApiKeys.hash("k2"))).isFalse();
        assertThat(ApiKeys.matches(h, h.substring(0, 63))).isFalse();
        assertThat(ApiKeys.matches(null, h)).isFalse();
    }

    @Test
    void displayPrefixShowsOnlyTheStart() {
        assertThat(ApiKeys.displayPrefix("cc-abcdefghijkl")).isEqualTo("cc-abcdef");
    }
}
