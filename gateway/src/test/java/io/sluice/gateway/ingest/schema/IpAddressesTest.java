package io.sluice.gateway.ingest.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"82.45.123.10", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1",
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::", "::ffff:192.0.2.128", "1:2:3:4:5:6:7::"})
    void valid(String ip) {
        assertThat(IpAddresses.isValid(ip)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "82.45.123", "256.1.1.1", "01.2.3.4", "1.2.3.4.5", "a.b.c.d", "1::2::3",
        "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":::", "g::1", "::ffff:300.0.2.128", "localhost",
        "1.2.3.4 "})
    void invalid(String ip) {
        assertThat(IpAddresses.isValid(ip)).isFalse();
    }
}
