package io.sluice.common.id;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Prefixed, time-sortable identifiers: {@code <prefix><10 chars time><16 chars random>}.
 *
 * <p>The body is a ULID-shaped value in Crockford base32: 48 bits of milliseconds since the epoch
 * followed by 80 random bits. Lexicographic order follows creation time (to the millisecond), so
 * ids sort well in B-tree indexes and logs. The random part makes a collision between two
 * replicas within the same millisecond vanishingly unlikely (2^-80 per pair). These ids are not
 * secrets and do not need a cryptographic random source; API keys use {@code SecureRandom}.
 */
public final class Ids {

    public static final String REQUEST = "req_";
    public static final String EVENT = "evt_";
    public static final String SIGNAL = "sig_";
    public static final String ALERT = "alt_";

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** Length of the body after the prefix. */
    public static final int BODY_LENGTH = 26;

    private Ids() {
    }

    public static String request() {
        return next(REQUEST, System.currentTimeMillis());
    }

    public static String event() {
        return next(EVENT, System.currentTimeMillis());
    }

    public static String signal() {
        return next(SIGNAL, System.currentTimeMillis());
    }

    public static String alert() {
        return next(ALERT, System.currentTimeMillis());
    }

    /** First body character of a {@link #keyed} id; time-based ids start with 0-7 until the year 10889. */
    public static final char KEYED_MARK = 'Z';

    /**
     * A deterministic id for a client-supplied idempotency key: {@code prefix + 'Z' + 25 chars}
     * of SHA-256 over scope and key (125 bits). The same scope and key always give the same id, so
     * a resent event is recognized downstream; the leading {@code Z} tells keyed ids from
     * time-based ones (it carries no creation time: {@link #timestampOf} does not apply).
     */
    public static String keyed(String prefix, String scope, String key) {
        byte[] digest;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(scope.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        char[] out = new char[prefix.length() + BODY_LENGTH];
        prefix.getChars(0, prefix.length(), out, 0);
        int p = prefix.length();
        out[p] = KEYED_MARK;
        for (int i = 0; i < BODY_LENGTH - 1; i++) {
            int bit = 5 * i;
            int word = ((digest[bit >>> 3] & 0xFF) << 8) | (digest[(bit >>> 3) + 1] & 0xFF);
            out[p + 1 + i] = CROCKFORD[(word >>> (11 - (bit & 7))) & 31];
        }
        return new String(out);
    }

    /** True for ids made by {@link #keyed}. */
    public static boolean isKeyed(String id, String prefix) {
        return id.length() > prefix.length() && id.charAt(prefix.length()) == KEYED_MARK;
    }

    /** A new id with the given prefix for the given creation time. */
    public static String next(String prefix, long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[prefix.length() + BODY_LENGTH];
        prefix.getChars(0, prefix.length(), out, 0);
        int p = prefix.length();
        // 48-bit timestamp -> 10 base32 chars (50 bits, top 2 always zero).
        for (int i = 9; i >= 0; i--) {
            out[p + i] = CROCKFORD[(int) (epochMillis & 31)];
            epochMillis >>>= 5;
        }
        // 80 random bits -> 16 base32 chars.
        long hi = random.nextLong();
        long lo = random.nextLong() & 0xFFFFL;
        for (int i = 0; i < 16; i++) {
            int bits;
            if (i < 12) {
                bits = (int) ((hi >>> (59 - 5 * i)) & 31);
            } else if (i == 12) {
                bits = (int) (((hi & 0xF) << 1) | ((lo >>> 15) & 1));
            } else {
                bits = (int) ((lo >>> (10 - 5 * (i - 13))) & 31);
            }
            out[p + 10 + i] = CROCKFORD[bits];
        }
        return new String(out);
    }

    /** The creation time encoded in an id produced by {@link #next}, in epoch milliseconds. */
    public static long timestampOf(String id, String prefix) {
        if (!hasShape(id, prefix)) {
            throw new IllegalArgumentException("not a " + prefix + " id: " + id);
        }
        long millis = 0;
        for (int i = 0; i < 10; i++) {
            millis = (millis << 5) | decode(id.charAt(prefix.length() + i));
        }
        return millis;
    }

    /** True when {@code id} has the prefix and a well-formed 26-char body. */
    public static boolean hasShape(String id, String prefix) {
        if (id == null || id.length() != prefix.length() + BODY_LENGTH || !id.startsWith(prefix)) {
            return false;
        }
        for (int i = prefix.length(); i < id.length(); i++) {
            if (decode(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int decode(char c) {
        for (int i = 0; i < CROCKFORD.length; i++) {
            if (CROCKFORD[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
