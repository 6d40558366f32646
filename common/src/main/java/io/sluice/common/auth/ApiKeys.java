package io.sluice.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API key generation and hashing.
 *
 * <p>Keys are 256-bit random secrets, so a fast hash is enough: nobody can brute-force the
 * pre-image of a random 256-bit value, and a slow KDF (bcrypt, argon2) would cost milliseconds on
 * every cache miss of the hot path. Only {@link #hash} of a key is ever stored; the key itself is
 * shown once at creation. Lookups go by hash; {@link #matches} compares in constant time.
 */
public final class ApiKeys {

    /** Every key Sluice issues starts with this, like the seed's {@code cc-YOUR_API_KEY}. */
    public static final String PREFIX = "cc-";
    /** Longest credential we even hash; anything longer is rejected as malformed. */
    public static final int MAX_LENGTH = 256;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    });

    private ApiKeys() {
    }

    /** A new random key: {@code cc-} followed by 43 URL-safe base64 characters (256 bits). */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes: the only form that is stored. */
    public static String hash(String key) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two hex hashes (no early exit on the first differing byte). */
    public static boolean matches(String expectedHash, String actualHash) {
        if (expectedHash == null || actualHash == null) {
            return false;
        }
        return MessageDigest.isEqual(expectedHash.getBytes(StandardCharsets.US_ASCII),
                actualHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first characters of a key, safe to show in listings and logs to tell keys apart. */
    public static String displayPrefix(String key) {
        return key.substring(0, Math.min(key.length(), PREFIX.length() + 6));
    }
}
