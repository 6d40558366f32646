package io.sluice.gateway.admin;

import io.sluice.gateway.auth.Scopes;
import io.sluice.gateway.error.ApiException;
import io.sluice.gateway.error.ApiException.FieldProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Reads and checks admin request bodies; every problem is a 400 naming the field. */
final class AdminRequests {

    static final Pattern PROJECT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    static final Set<String> SCOPES = Set.of(Scopes.WRITE_EVENTS, Scopes.READ_ALERTS, Scopes.WRITE_ALERTS);

    /** A field of a PATCH: absent (unchanged) or present with a value that may be null. */
    record Change<T>(boolean present, T value) {
        static <T> Change<T> absent() {
            return new Change<>(false, null);
        }
    }

    record ProjectFields(String id, Change<String> name, Change<String> plan, Change<Long> quota,
            Change<List<String>> allowedAppIds, Change<String> defaultAppId, Change<String> eventsDialect,
            Change<JsonNode> scoring, Change<JsonNode> privacy) {
    }

    /** Scoring patterns and the thresholds a project may override (docs/scoring.md). */
    static final Set<String> PATTERNS = Set.of("crash_rate_spike", "anr_spike", "network_error_spike",
            "slow_render_regression", "friction_spike", "error_burst", "new_crash_signature");
    static final Set<String> THRESHOLDS = Set.of("min_ratio", "critical_ratio", "min_z", "min_events", "min_denominator",
            "min_baseline_denominator", "recover_ratio", "significance");

    static final Set<String> EVENTS_DIALECTS = Set.of("canaryhub", "trenchcoat");

    record RateLimit(int eventsPerMinute, int burst) {
    }

    record KeyFields(Change<String> name, Change<List<String>> scopes, Change<RateLimit> rateLimit) {
    }

    private AdminRequests() {
    }

    static ProjectFields project(JsonNode body, boolean create) {
        List<FieldProblem> problems = new ArrayList<>();
        requireObject(body);
        String id = null;
        if (create && has(body, "id")) {
            id = text(body, "id", 64, problems);
            if (id != null && !PROJECT_ID.matcher(id).matches()) {
                problems.add(new FieldProblem("id", "lower-case letters, digits, '-' and '_', at most 64", "invalid_format"));
            }
        }
        Change<String> name = has(body, "name") ? new Change<>(true, text(body, "name", 200, problems)) : Change.absent();
        if (create && (name.value() == null)) {
            problems.add(new FieldProblem("name", "is required", "required"));
        }
        Change<String> plan = has(body, "plan") ? new Change<>(true, text(body, "plan", 64, problems)) : Change.absent();
        if (plan.present() && plan.value() == null) {
            problems.add(new FieldProblem("plan", "must not be null", "required"));
        }
        Change<Long> quota = Change.absent();
        if (body.has("monthly_event_quota")) {
            JsonNode q = body.get("monthly_event_quota");
            if (q.isNull()) {
                quota = new Change<>(true, null);
            } else if (q.isIntegralNumber() && q.canConvertToLong() && q.longValue() >= 0) {
                quota = new Change<>(true, q.longValue());
            } else {
                problems.add(new FieldProblem("monthly_event_quota", "must be null (unlimited) or an integer >= 0", "invalid_value"));
            }
        }
        Change<List<String>> apps = Change.absent();
        if (body.has("allowed_app_ids")) {
            JsonNode a = body.get("allowed_app_ids");
            apps = a.isNull() ? new Change<>(true, null) : new Change<>(true, strings(a, "allowed_app_ids", 1000, 128, problems));
        }
        Change<String> defaultApp = Change.absent();
        if (has(body, "default_app_id")) {
            defaultApp = new Change<>(true, text(body, "default_app_id", 128, problems));
            if (defaultApp.value() == null || defaultApp.value().isBlank()) {
                problems.add(new FieldProblem("default_app_id", "must be a non-empty string of at most 128 characters",
                        "invalid_value"));
            }
        }
        Change<String> dialect = Change.absent();
        if (body.has("events_dialect")) {
            JsonNode d = body.get("events_dialect");
            if (d.isNull()) {
                dialect = new Change<>(true, null);
            } else if (d.isString() && EVENTS_DIALECTS.contains(d.stringValue())) {
                dialect = new Change<>(true, d.stringValue());
            } else {
                problems.add(new FieldProblem("events_dialect",
                        "null (detect per request), \"canaryhub\" or \"trenchcoat\"", "invalid_value"));
            }
        }
        Change<JsonNode> scoring = Change.absent();
        if (body.has("scoring")) {
            JsonNode sc = body.get("scoring");
            scoring = new Change<>(true, scoring(sc, problems));
        }
        Change<JsonNode> privacy = Change.absent();
        if (body.has("privacy")) {
            JsonNode pv = body.get("privacy");
            if (pv.isNull()) {
                privacy = new Change<>(true, tools.jackson.databind.node.JsonNodeFactory.instance.objectNode());
            } else {
                io.sluice.gateway.privacy.PrivacyPolicy.problems(pv)
                        .forEach(m -> problems.add(new FieldProblem(m.split(":")[0].split(" ")[0], m, "invalid_value")));
                privacy = new Change<>(true, pv);
            }
        }
        fail(problems);
        return new ProjectFields(id, name, plan, quota, apps, defaultApp, dialect, scoring, privacy);
    }

    /** {"pattern": {"threshold": number ≥ 0}}; null means no overrides. */
    private static JsonNode scoring(JsonNode sc, List<FieldProblem> problems) {
        if (sc.isNull()) {
            return tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!sc.isObject()) {
            problems.add(new FieldProblem("scoring", "an object of patterns, e.g. {\"crash_rate_spike\": {\"min_ratio\": 3}}",
                    "invalid_value"));
            return null;
        }
        for (var pattern : sc.properties()) {
            String at = "scoring." + pattern.getKey();
            if (!PATTERNS.contains(pattern.getKey())) {
                problems.add(new FieldProblem(at, "unknown pattern; one of " + String.join(", ", PATTERNS.stream().sorted().toList()),
                        "invalid_value"));
            } else if (!pattern.getValue().isObject()) {
                problems.add(new FieldProblem(at, "must be an object of thresholds", "invalid_value"));
            } else {
                for (var t : pattern.getValue().properties()) {
                    if (!THRESHOLDS.contains(t.getKey())) {
                        problems.add(new FieldProblem(at + "." + t.getKey(), "unknown threshold; one of "
                                + String.join(", ", THRESHOLDS.stream().sorted().toList()), "invalid_value"));
                    } else if (!t.getValue().isNumber() || t.getValue().doubleValue() < 0) {
                        problems.add(new FieldProblem(at + "." + t.getKey(), "must be a number >= 0", "invalid_value"));
                    }
                }
            }
        }
        return sc;
    }

    static KeyFields key(JsonNode body, boolean create) {
        List<FieldProblem> problems = new ArrayList<>();
        requireObject(body);
        Change<String> name = has(body, "name") ? new Change<>(true, text(body, "name", 200, problems)) : Change.absent();
        Change<List<String>> scopes = Change.absent();
        if (body.has("scopes")) {
            List<String> list = strings(body.get("scopes"), "scopes", 3, 32, problems);
            if (list != null && (list.isEmpty() || !SCOPES.containsAll(list))) {
                problems.add(new FieldProblem("scopes", "one or more of " + String.join(", ", SCOPES.stream().sorted().toList()),
                        "invalid_value"));
            }
            scopes = new Change<>(true, list == null ? null : List.copyOf(new java.util.TreeSet<>(list)));
        } else if (create) {
            problems.add(new FieldProblem("scopes", "is required", "required"));
        }
        Change<RateLimit> rateLimit = Change.absent();
        if (body.has("rate_limit")) {
            JsonNode r = body.get("rate_limit");
            if (r.isNull()) {
                rateLimit = new Change<>(true, null);
            } else if (r.isObject() && positiveInt(r.get("events_per_minute")) && positiveInt(r.get("burst"))) {
                rateLimit = new Change<>(true, new RateLimit(r.get("events_per_minute").intValue(), r.get("burst").intValue()));
            } else {
                problems.add(new FieldProblem("rate_limit",
                        "null (gateway defaults) or {\"events_per_minute\": n, \"burst\": n} with positive integers", "invalid_value"));
            }
        }
        fail(problems);
        return new KeyFields(name, scopes, rateLimit);
    }

    private static boolean positiveInt(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.canConvertToInt() && n.intValue() > 0;
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object.",
                    List.of(new FieldProblem("", "expected a JSON object", "invalid_type")));
        }
    }

    private static boolean has(JsonNode body, String name) {
        return body.has(name);
    }

    private static String text(JsonNode body, String name, int max, List<FieldProblem> problems) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || v.stringValue().isBlank() || v.stringValue().length() > max) {
            problems.add(new FieldProblem(name, "must be a string of 1 to " + max + " characters", "invalid_value"));
            return null;
        }
        return v.stringValue();
    }

    private static List<String> strings(JsonNode v, String name, int maxItems, int maxLength, List<FieldProblem> problems) {
        if (!v.isArray() || v.size() > maxItems) {
            problems.add(new FieldProblem(name, "must be an array of at most " + maxItems + " strings", "invalid_type"));
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isString() || item.stringValue().isEmpty() || item.stringValue().length() > maxLength) {
                problems.add(new FieldProblem(name, "items must be strings of 1 to " + maxLength + " characters", "invalid_type"));
                return null;
            }
            out.add(item.stringValue());
        }
        return out;
    }

    private static void fail(List<FieldProblem> problems) {
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("Invalid request: " + problems.get(0).field() + " " + problems.get(0).message() + ".",
                    problems);
        }
    }
}
