package io.sluice.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast timestamp path agrees with the JDK parser on every string it answers for. */
class IsoTimestampsTest {

    static Instant jdk(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void formatWritesExactlyWhatInstantToStringWrites() {
        Random random = new Random(20261130L);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(first), Instant.ofEpochSecond(last, 999_999_999),
                Instant.ofEpochSecond(first - 1), Instant.ofEpochSecond(last + 1), Instant.MIN, Instant.MAX,
                Instant.parse("2024-02-29T23:59:59.5Z"), Instant.parse("1969-12-31T23:59:59.000001Z"),
                Instant.parse("2000-03-01T00:00:00Z"), Instant.parse("2100-02-28T12:00:00.000000001Z"));
        for (Instant t : edges) {
            assertThat(IsoTimestamps.format(t)).isEqualTo(t.toString());
            assertWrittenInPlace(t);
        }
        for (int i = 0; i < 300_000; i++) {
            long secs = first + (long) (random.nextDouble() * (last - first + 1));
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(secs, nano);
            assertThat(IsoTimestamps.format(t)).as("%s", t).isEqualTo(t.toString());
            if (i % 100 < 4) {
                assertWrittenInPlace(t);
            }
        }
    }

    /** Into a larger array, between two marks it must leave alone. */
    private static void assertWrittenInPlace(Instant t) {
        String expected = t.toString();
        assertThat(IsoTimestamps.formattedLength(t)).as("%s", t).isEqualTo(expected.length());
        byte[] out = new byte[expected.length() + 4];
        java.util.Arrays.fill(out, (byte) '#');
        assertThat(IsoTimestamps.formatInto(t, out, 2)).isEqualTo(expected.length() + 2);
        assertThat(new String(out, java.nio.charset.StandardCharsets.ISO_8859_1)).as("%s", t).isEqualTo("##" + expected + "##");
    }

    @Test
    void theCommonShapesAreReadWithoutTheJdkParser() {
        for (String s : List.of("2026-05-13T09:00:00Z", "2026-05-13T09:00:00.123Z", "2026-05-13T09:00:00.123456789Z",
                "2026-05-13T11:00:00+02:00", "2026-05-13T04:30:00.5-04:30", "2024-02-29T23:59:59Z")) {
            assertThat(IsoTimestamps.parseCommon(s)).as(s).isNotNull().isEqualTo(jdk(s));
        }
    }

    @Test
    void whatItDoesNotRecognizeIsLeftToTheJdkParser() {
        for (String s : List.of("2026-02-30T09:00:00Z", "2026-05-13T24:00:00Z", "2026-05-13T09:00:60Z",
                "2026-05-13T09:00Z", "2026-05-13t09:00:00z", "2026-05-13T09:00:00.1234567891Z", "2026-05-13T09:00:00",
                "2026-05-13T09:00:00+19:00", "2026-05-13T09:00:00+02:00:30", "2026-05-13T09:00:00.Z", "not a time",
                "2026-05-13T09:00:00+0200", "+12026-05-13T09:00:00Z", "2026-13-13T09:00:00Z")) {
            Instant fast = IsoTimestamps.parseCommon(s);
            assertThat(fast == null || fast.equals(jdk(s))).as(s).isTrue();
        }
        assertThat(IsoTimestamps.parseCommon("2026-02-30T09:00:00Z")).isNull();
        // Beyond ASCII nothing is a digit or a separator, not even a character whose low byte is one.
        for (String s : List.of("2026-05-13T09:00:0\u0132Z", "\uff12026-05-13T09:00:00Z", "2026-05-13T09:00:00\u00b2Z",
                "2026-05-13T09\u0a3a00:00Z", "2026-05-13T09:00:00+02\u013a00")) {
            assertThat(IsoTimestamps.parseCommon(s)).as(s).isNull();
        }
    }

    @Test
    void randomStringsNearTheCommonShapeNeverDisagree() {
        Random random = new Random(20261123L);
        String alphabet = "0123456789-:T.Z+ z\u0132\u00b2\uff10";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder("2026-05-13T09:00:00.000+01:00");
            for (int k = random.nextInt(4); k >= 0; k--) {
                int at = random.nextInt(b.length());
                b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(4) == 0) {
                b.setLength(19 + random.nextInt(b.length() - 18));
            }
            String s = b.toString();
            Instant fast = IsoTimestamps.parseCommon(s);
            if (fast != null) {
                assertThat(fast).as(s).isEqualTo(jdk(s));
            }
        }
    }
}
