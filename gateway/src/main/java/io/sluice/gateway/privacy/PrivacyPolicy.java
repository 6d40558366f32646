package io.sluice.gateway.privacy;

import io.sluice.common.event.CanonicalEvent;
import io.sluice.common.event.RawJson;
import io.sluice.gateway.ingest.schema.IpAddresses;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A project's privacy policy: for each personal-data field {@code keep} (the default),
 * {@code hash} (salted SHA-256, salt per project), {@code truncate} (IP address to /24 or /48,
 * coordinates to two decimals) or {@code drop}; precise coordinates are also dropped unless the
 * event carries the consent flag the policy names. Applied to canonical events before they leave
 * the gateway, so a hashed or dropped value never reaches Kafka. Pure and thread-safe.
 *
 * <p>Fields: {@code email}, {@code phone}, {@code name}, {@code age}, {@code gender} (user
 * block), {@code ip_address}, {@code coordinates} (location block), and {@code custom}: keys of
 * {@code custom} and {@code user.custom} whose names are known to be sensitive.
 */
public final class PrivacyPolicy {

    public static final List<String> FIELDS = List.of("email", "phone", "name", "age", "gender", "ip_address",
            "coordinates", "custom");
    static final Set<String> ACTIONS = Set.of("keep", "hash", "truncate", "drop");
    /**
     * Keys inside {@code custom} treated as personal data: any key containing one of these, ASCII
     * case-insensitively. Plain substring tests, not a regular expression: the regex with its
     * leading {@code .*} was a fifth of the gateway's CPU (docs/benchmarks.md).
     */
    static final List<String> SENSITIVE_KEY_PARTS = List.of("email", "e-mail", "phone", "mobile", "ssn",
            "socialsecurity", "social_security", "passport", "password", "passwd", "secret", "creditcard", "credit_card",
            "cardnumber", "card_number", "iban", "birth", "dob", "address", "firstname", "first_name", "lastname",
            "last_name", "fullname", "full_name");

    /** Answers for keys seen before: custom blocks repeat the same few keys in every event. */
    private static final Map<String, Boolean> SENSITIVE_KEYS_SEEN = new ConcurrentHashMap<>();
    /** Bounds the memory the answers take whatever keys clients send. */
    static final int SENSITIVE_KEYS_REMEMBERED = 4096;
    static final int LONGEST_REMEMBERED_KEY = 64;

    /** Whether a key of {@code custom} names personal data; the CC reader asks it too (CcEventReader). */
    public static boolean sensitiveKey(String key) {
        Boolean seen = SENSITIVE_KEYS_SEEN.get(key);
        if (seen != null) {
            return seen;
        }
        boolean sensitive = matchesSensitivePart(key);
        if (key.length() <= LONGEST_REMEMBERED_KEY && SENSITIVE_KEYS_SEEN.size() < SENSITIVE_KEYS_REMEMBERED) {
            SENSITIVE_KEYS_SEEN.put(key, sensitive);
        }
        return sensitive;
    }

    static int sensitiveKeysRemembered() {
        return SENSITIVE_KEYS_SEEN.size();
    }

    private static boolean matchesSensitivePart(String key) {
        String lower = asciiLower(key);
        for (String part : SENSITIVE_KEY_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static String asciiLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] out = s.toCharArray();
                for (int k = i; k < out.length; k++) {
                    if (out[k] >= 'A' && out[k] <= 'Z') {
                        out[k] = (char) (out[k] + 32);
                    }
                }
                return new String(out);
            }
        }
        return s;
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Reads blocks kept as sent; the hardened reader already accepted their bytes. */
    private static final ObjectMapper BLOCK_READER = JsonMapper.builder().build();

    /** Keep and audit everything. */
    public static final PrivacyPolicy DEFAULT = new PrivacyPolicy(Map.of(), null, "");

    private final Map<String, String> actions;
    private final String consentFlag;
    private final String salt;
    private final boolean transforms;

    PrivacyPolicy(Map<String, String> actions, String consentFlag, String salt) {
        this.actions = actions;
        this.consentFlag = consentFlag;
        this.salt = salt;
        this.transforms = !actions.isEmpty() || consentFlag != null;
    }

    /**
     * A copy to change, or, when this policy changes nothing (every field kept, no consent flag),
     * the block itself: then it is only read for the audit, and copying it per request is waste.
     */
    private ObjectNode editable(JsonNode block) {
        return transforms ? ((ObjectNode) block).deepCopy() : (ObjectNode) block;
    }

    /**
     * The policy in {@code projects.privacy}: {@code {"fields": {"email": "hash", ...},
     * "consent_flag": "location_consent"}}; anything unknown was rejected by the admin API.
     */
    public static PrivacyPolicy parse(JsonNode json, String salt) {
        if (json == null || !json.isObject() || json.isEmpty()) {
            return DEFAULT;
        }
        Map<String, String> actions = new java.util.HashMap<>();
        JsonNode fields = json.get("fields");
        if (fields != null && fields.isObject()) {
            for (Map.Entry<String, JsonNode> f : fields.properties()) {
                if (FIELDS.contains(f.getKey()) && f.getValue().isString() && ACTIONS.contains(f.getValue().stringValue())) {
                    actions.put(f.getKey(), f.getValue().stringValue());
                }
            }
        }
        JsonNode flag = json.get("consent_flag");
        return new PrivacyPolicy(Map.copyOf(actions), flag != null && flag.isString() ? flag.stringValue() : null,
                salt == null ? "" : salt);
    }

    /** Checks a policy document; returns the problems (empty when valid). */
    public static List<String> problems(JsonNode json) {
        List<String> out = new ArrayList<>();
        if (!json.isObject()) {
            out.add("privacy must be an object {\"fields\": {...}, \"consent_flag\": \"...\"}");
            return out;
        }
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (!e.getKey().equals("fields") && !e.getKey().equals("consent_flag")) {
                out.add("privacy." + e.getKey() + ": unknown; use fields and consent_flag");
            }
        }
        JsonNode fields = json.get("fields");
        if (fields != null && !fields.isNull()) {
            if (!fields.isObject()) {
                out.add("privacy.fields must be an object");
            } else {
                for (Map.Entry<String, JsonNode> f : fields.properties()) {
                    String action = f.getValue().isString() ? f.getValue().stringValue() : null;
                    if (!FIELDS.contains(f.getKey())) {
                        out.add("privacy.fields." + f.getKey() + ": unknown field; one of " + String.join(", ", FIELDS));
                    } else if (action == null || !ACTIONS.contains(action)) {
                        out.add("privacy.fields." + f.getKey() + ": keep, hash, truncate or drop");
                    } else if (action.equals("truncate") && !f.getKey().equals("ip_address") && !f.getKey().equals("coordinates")) {
                        out.add("privacy.fields." + f.getKey() + ": truncate applies to ip_address and coordinates only");
                    } else if (action.equals("hash") && f.getKey().equals("coordinates")) {
                        out.add("privacy.fields.coordinates: keep, truncate or drop");
                    }
                }
            }
        }
        JsonNode flag = json.get("consent_flag");
        if (flag != null && !flag.isNull() && (!flag.isString() || flag.stringValue().isBlank() || flag.stringValue().length() > 64)) {
            out.add("privacy.consent_flag must be a name of 1 to 64 characters");
        }
        return out;
    }

    /** Events after the policy, and the personal-data fields each one carried (for the audit). */
    public record Applied(List<CanonicalEvent> events, List<Set<String>> present) {
    }

    /**
     * Applies the policy to a request's events. Blocks shared by several events (a CC envelope's
     * user and location) are transformed once and shared again, and so is the set of fields
     * present when an event's blocks are the previous event's (the audit counts by set).
     */
    public Applied apply(List<CanonicalEvent> events) {
        Map<JsonNode, Block> done = new IdentityHashMap<>();
        List<CanonicalEvent> out = new ArrayList<>(events.size());
        List<Set<String>> present = new ArrayList<>(events.size());
        Block lastUser = null;
        Block lastLocation = null;
        Set<String> lastFields = null;
        for (CanonicalEvent e : events) {
            boolean consent = consentFlag != null && consented(e);
            Block user = e.user() == null ? null : done.computeIfAbsent(e.user(), n -> user(n));
            Block location = e.location() == null ? null : location(e.location(), consent, done);
            // Not an object (e.g. a CC custom block kept as its bytes, which has no personal data): nothing to do.
            Block custom = e.custom() == null || !e.custom().isObject() ? null
                    : done.computeIfAbsent(e.custom(), n -> custom(n));
            Set<String> fields;
            if (custom == null && lastFields != null && user == lastUser && location == lastLocation) {
                fields = lastFields;
            } else {
                fields = fields(user, location, custom);
                if (custom == null) {
                    lastUser = user;
                    lastLocation = location;
                    lastFields = fields;
                }
            }
            present.add(fields);
            if (fields.isEmpty() || !transforms) {
                out.add(e);
                continue;
            }
            out.add(new CanonicalEvent(e.eventId(), e.requestId(), e.projectId(), e.appId(), e.platform(), e.appVersion(),
                    e.sessionId(), e.type(), e.timestamp(), e.receivedAt(), e.dialect(), node(user, e.user()), e.device(),
                    node(location, e.location()), e.payload(), e.tags(), node(custom, e.custom())));
        }
        return new Applied(out, present);
    }

    /** The personal-data fields of an event's blocks, sorted; not to be changed (events share it). */
    private static Set<String> fields(Block user, Block location, Block custom) {
        Set<String> fields = new TreeSet<>();
        for (Block b : new Block[] {user, location, custom}) {
            if (b != null) {
                fields.addAll(b.fields());
            }
        }
        return fields.isEmpty() ? Set.of() : Collections.unmodifiableSet(fields);
    }

    private record Block(JsonNode node, Set<String> fields) {
    }

    private static JsonNode node(Block b, JsonNode original) {
        return b == null ? original : b.node();
    }

    private Block user(JsonNode user) {
        if (!user.isObject()) {
            return new Block(user, Set.of());
        }
        ObjectNode copy = editable(user);
        Set<String> fields = new TreeSet<>();
        for (String f : List.of("email", "phone", "name", "age", "gender")) {
            JsonNode v = copy.get(f);
            if (v != null && !v.isNull()) {
                fields.add(f);
                act(copy, f, f, v);
            }
        }
        JsonNode custom = copy.get("custom");
        if (custom != null && custom.isObject()) {
            Block c = custom(custom);
            fields.addAll(c.fields());
            copy.set("custom", c.node());
        }
        return new Block(copy, fields);
    }

    private Block location(JsonNode location, boolean consent, Map<JsonNode, Block> done) {
        if (!consent) {
            return done.computeIfAbsent(location, n -> location(n, false));
        }
        return location(location, true);
    }

    private Block location(JsonNode location, boolean consent) {
        if (!location.isObject()) {
            return new Block(location, Set.of());
        }
        ObjectNode copy = editable(location);
        Set<String> fields = new TreeSet<>();
        JsonNode ip = copy.get("ip_address");
        if (ip != null && !ip.isNull()) {
            fields.add("ip_address");
            act(copy, "ip_address", "ip_address", ip);
        }
        boolean coordinates = copy.hasNonNull("latitude") || copy.hasNonNull("longitude");
        if (coordinates) {
            fields.add("coordinates");
            String action = actions.getOrDefault("coordinates", "keep");
            if (consentFlag != null && !consent) {
                action = "drop";
            }
            for (String f : List.of("latitude", "longitude")) {
                JsonNode v = copy.get(f);
                if (v == null || v.isNull()) {
                    continue;
                }
                switch (action) {
                    case "drop" -> copy.remove(f);
                    case "truncate" -> copy.put(f, v.isNumber()
                            ? BigDecimal.valueOf(v.doubleValue()).setScale(2, RoundingMode.HALF_UP).doubleValue() : 0);
                    default -> {
                    }
                }
            }
            if (action.equals("drop")) {
                copy.remove("accuracy_metres");
            }
        }
        return new Block(copy, fields);
    }

    private Block custom(JsonNode custom) {
        if (!custom.isObject()) {
            return new Block(custom, Set.of());
        }
        ObjectNode copy = null;
        Set<String> fields = null;
        for (Map.Entry<String, JsonNode> e : custom.properties()) {
            if (sensitiveKey(e.getKey()) && !e.getValue().isNull()) {
                if (fields == null) {
                    fields = new TreeSet<>();
                }
                fields.add("custom." + e.getKey());
                if (copy == null) {
                    copy = editable(custom);
                }
            }
        }
        if (copy == null) {
            return new Block(custom, Set.of());
        }
        for (String f : fields) {
            String key = f.substring(7);
            act(copy, "custom", key, copy.get(key));
        }
        return new Block(copy, fields);
    }

    /** Applies the action configured for {@code field} to {@code node.key}. */
    private void act(ObjectNode node, String field, String key, JsonNode value) {
        switch (actions.getOrDefault(field, "keep")) {
            case "drop" -> node.remove(key);
            case "hash" -> node.put(key, hash(value.isString() ? value.stringValue() : value.toString()));
            case "truncate" -> {
                if (value.isString()) {
                    node.put(key, truncateIp(value.stringValue()));
                }
            }
            default -> {
            }
        }
    }

    /** {@code sha256:} + hex of SHA-256(project salt, value): stable per project, useless across projects. */
    String hash(String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            return "sha256:" + HexFormat.of().formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IPv4 to its /24 ({@code 82.45.123.0}), IPv6 to its /48; anything else is dropped to "". */
    static String truncateIp(String ip) {
        if (IpAddresses.isV4(ip)) {
            return ip.substring(0, ip.lastIndexOf('.')) + ".0";
        }
        if (IpAddresses.isV6(ip)) {
            try {
                byte[] b = InetAddress.getByName(ip).getAddress(); // a literal: no name lookup
                for (int i = 6; i < b.length; i++) {
                    b[i] = 0;
                }
                return InetAddress.getByAddress(b).getHostAddress();
            } catch (UnknownHostException e) {
                return "";
            }
        }
        return "";
    }

    private boolean consented(CanonicalEvent e) {
        for (JsonNode block : new JsonNode[] {e.custom(), e.tags()}) {
            JsonNode flag = block == null ? null : readable(block).get(consentFlag);
            if (flag != null && (flag.isBoolean() && flag.booleanValue() || flag.isString() && flag.stringValue().equals("true"))) {
                return true;
            }
        }
        return false;
    }

    /** The block as a tree: a block kept as the bytes it was sent as is read into one first. */
    private static JsonNode readable(JsonNode block) {
        RawJson bytes = RawJson.of(block);
        return bytes == null ? block : bytes.readTree(BLOCK_READER);
    }
}
