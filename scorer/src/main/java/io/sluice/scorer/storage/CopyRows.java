package io.sluice.scorer.storage;

import io.sluice.common.event.IsoTimestamps;
import io.sluice.common.event.MalformedEventException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kafka record values (common's {@code EventCodec} JSON: one event, or a batch whose elements
 * inherit the fields they do not carry from its envelope) straight to COPY text rows, in one
 * streaming pass: no event objects and no JSON trees, and an envelope's blocks are escaped once
 * for all of a batch's events. Decoding into trees and writing them again was most of the
 * scorer's CPU, which PostgreSQL needs on a small machine.
 *
 * <p>It refuses what {@code EventCodec.decode} refuses, with the same messages, so a record is
 * dead-lettered for the same reasons whichever reads it. Thread-safe.
 */
final class CopyRows {

    /** Field names, in COPY column order ({@link EventWriter#COLUMNS}). */
    private static final String[] FIELDS = {"event_id", "timestamp", "received_at", "project_id", "app_id", "platform",
        "app_version", "session_id", "type", "dialect", "request_id", "user", "device", "location", "payload", "tags",
        "custom"};
    private static final int EVENT_ID = 0, TIMESTAMP = 1, RECEIVED_AT = 2, PROJECT_ID = 3, APP_ID = 4, PLATFORM = 5,
            APP_VERSION = 6, SESSION_ID = 7, TYPE = 8, DIALECT = 9, REQUEST_ID = 10, USER = 11, DEVICE = 12,
            LOCATION = 13, PAYLOAD = 14, TAGS = 15, CUSTOM = 16;
    /** Fields from here on are JSON objects; the ones before are strings. */
    private static final int FIRST_OBJECT = USER;
    /** The order EventCodec reads fields in, so the first problem reported is the same one. */
    private static final int[] READ_ORDER = {EVENT_ID, REQUEST_ID, PROJECT_ID, APP_ID, PLATFORM, APP_VERSION, SESSION_ID,
        TYPE, TIMESTAMP, RECEIVED_AT, DIALECT, USER, DEVICE, LOCATION, PAYLOAD, TAGS, CUSTOM};
    private static final Set<Integer> REQUIRED = Set.of(EVENT_ID, PROJECT_ID, APP_ID, TYPE, TIMESTAMP, RECEIVED_AT,
            PAYLOAD);
    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            INDEX.put(FIELDS[i], i);
        }
    }

    /** A field present as JSON {@code null}: unlike an absent one, it hides the envelope's value. */
    private static final Object NULL = new Object();

    /** A field of the wrong JSON type: an error only if an event ends up using it. */
    private record Wrong(String message) {
    }

    private final ObjectMapper mapper = JsonMapper.builder().build();

    /**
     * Appends the value's events as COPY rows ({@code \n}-terminated; a newline inside a value is
     * always escaped) and returns how many. On failure {@code out} is left as it was.
     *
     * @throws MalformedEventException when the value is not a valid event or batch
     */
    int append(byte[] value, StringBuilder out) {
        int mark = out.length();
        try {
            return appendRows(value, out);
        } catch (JacksonException e) {
            out.setLength(mark);
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            out.setLength(mark);
            throw e;
        }
    }

    private int appendRows(byte[] value, StringBuilder out) {
        Object[] root = new Object[FIELDS.length];
        int eventsFrom = -1;
        int eventsTo = -1;
        boolean batch = false;
        try (JsonParser p = mapper.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedEventException("value is not a JSON object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                if (!"events".equals(name)) {
                    readField(p, name, root);
                    continue;
                }
                // Read after the envelope, which may follow it: remember where the array is.
                batch = true;
                if (p.nextToken() == JsonToken.START_ARRAY) {
                    eventsFrom = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    eventsTo = (int) p.currentTokenLocation().getByteOffset() + 1;
                } else {
                    eventsFrom = -1;
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new MalformedEventException("not JSON: content after the value");
            }
        }
        if (!batch) {
            row(root, null, out);
            return 1;
        }
        if (eventsFrom < 0) {
            throw new MalformedEventException("'events' is not an array");
        }
        int count = 0;
        try (JsonParser p = mapper.createParser(value, eventsFrom, eventsTo - eventsFrom)) {
            p.nextToken();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new MalformedEventException("event is not a JSON object");
                }
                Object[] element = new Object[FIELDS.length];
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    readField(p, p.currentName(), element);
                }
                row(element, root, out);
                count++;
            }
        }
        return count;
    }

    /** Reads one property's value into its slot; unknown properties are skipped. */
    private static void readField(JsonParser p, String name, Object[] slots) {
        int i = INDEX.getOrDefault(name, -1);
        JsonToken t = p.nextToken();
        if (i < 0) {
            p.skipChildren();
        } else if (t == JsonToken.VALUE_NULL) {
            slots[i] = NULL;
        } else if (i < FIRST_OBJECT) {
            slots[i] = t == JsonToken.VALUE_STRING ? p.getString() : new Wrong("'" + name + "' is not a string");
            p.skipChildren();
        } else if (t == JsonToken.START_OBJECT) {
            StringBuilder json = new StringBuilder(256);
            CopyText.json(json, p);
            slots[i] = json.toString();
        } else {
            slots[i] = new Wrong("'" + name + "' is not an object");
            p.skipChildren();
        }
    }

    /** One event: its own fields, else the envelope's; checked as EventCodec checks them, then written. */
    private static void row(Object[] element, Object[] envelope, StringBuilder out) {
        Object[] v = new Object[FIELDS.length];
        for (int i : READ_ORDER) {
            Object x = element[i];
            if (x == null && envelope != null) {
                x = envelope[i];
            }
            if (x instanceof Wrong wrong) {
                throw new MalformedEventException(wrong.message());
            }
            if (x == NULL) {
                x = null;
            }
            if (x == null && REQUIRED.contains(i)) {
                throw new MalformedEventException("'" + FIELDS[i] + "' is missing");
            }
            if (i == TIMESTAMP || i == RECEIVED_AT) {
                x = instant((String) x).atOffset(ZoneOffset.UTC).toString();
            }
            v[i] = x;
        }
        for (int i = 0; i < FIELDS.length; i++) {
            if (v[i] == null) {
                out.append("\\N");
            } else if (i < FIRST_OBJECT) {
                CopyText.escaped(out, (String) v[i]);
            } else {
                // Already COPY-escaped JSON.
                out.append((String) v[i]);
            }
            out.append(i == FIELDS.length - 1 ? '\n' : '\t');
        }
    }

    /** The gateway writes {@code Instant.toString()}: the fast path reads it, the JDK parser the rest. */
    private static Instant instant(String s) {
        try {
            Instant fast = IsoTimestamps.parseCommon(s);
            return fast != null ? fast : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("bad instant: " + e.getParsedString(), e);
        }
    }
}
