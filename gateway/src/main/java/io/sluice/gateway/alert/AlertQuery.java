package io.sluice.gateway.alert;

import io.sluice.common.alert.Alert;
import io.sluice.gateway.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /v1/alerts}, checked: every invalid value is a 400 naming the
 * parameter.
 *
 * @param appId    filter by app, or null
 * @param status   {@code open} (default), {@code acknowledged} or {@code resolved}
 * @param severity {@code critical}, {@code warning} or null for all
 * @param from     alerts triggered or changed since then (default 24 h ago)
 * @param limit    page size, 1..200 (default 20)
 * @param after    the page cursor, or null for the first page
 */
public record AlertQuery(String appId, String status, String severity, Instant from, int limit, Cursor after) {

    static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");
    static final Set<String> SEVERITIES = Set.of("critical", "warning");
    static final int MAX_LIMIT = 200;
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,6})([mhd])");

    public static AlertQuery parse(String appId, String status, String severity, String from, String limit, String cursor,
            Clock clock) {
        if (appId != null && (appId.isBlank() || appId.length() > 128)) {
            throw bad("app_id", "app_id must be 1 to 128 characters.");
        }
        String s = status == null ? "open" : status;
        if (!STATUSES.contains(s)) {
            throw bad("status", "status must be one of open, acknowledged, resolved (not '" + status + "').");
        }
        if (severity != null && !severity.equals("all") && !SEVERITIES.contains(severity)) {
            throw bad("severity", "severity must be critical or warning (or omitted for all), not '" + severity + "'.");
        }
        Instant since = from == null ? clock.instant().minus(Duration.ofHours(24)) : time("from", from, clock);
        int n = limit(limit, 20, MAX_LIMIT);
        return new AlertQuery(appId, s, severity == null || severity.equals("all") ? null : severity, since, n,
                cursor == null ? null : Cursor.decode(cursor));
    }

    /**
     * {@code -30m}, {@code -24h}, {@code -7d} (relative to now) or an ISO 8601 date-time with offset.
     */
    static Instant time(String parameter, String value, Clock clock) {
        Matcher m = RELATIVE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw bad(parameter, parameter + " must be relative (-30m, -24h, -7d) or ISO 8601 with an offset "
                    + "(2026-05-13T09:00:00Z), not '" + value + "'.");
        }
    }

    /** {@code limit}: absent gives {@code fallback}, else an integer from 1 to {@code max}. */
    static int limit(String value, int fallback, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad("limit", "limit must be an integer from 1 to " + max + ", not '" + value + "'.");
    }

    static ApiException bad(String parameter, String message) {
        return ApiException.badRequest("invalid_" + parameter, message);
    }

    /** Where the previous page ended: opaque to clients (base64url of triggered_at and id). */
    public record Cursor(Instant triggeredAt, String alertId) {

        static String encode(Alert last) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (last.triggeredAt().toString() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                return new Cursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
            } catch (RuntimeException e) {
                throw bad("cursor", "cursor is not one this API returned as next_cursor.");
            }
        }
    }
}
