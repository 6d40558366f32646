package io.sluice.scorer.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import io.sluice.common.alert.AlertChange;
import io.sluice.scorer.alert.AlertDecider.Action;
import io.sluice.scorer.alert.AlertDecider.Existing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scores one app one minute at a time, in event time: the next minute after
 * {@code scoring_state.evaluated_until}, once the app's watermark is {@code lateness} past it.
 * Each minute is one transaction holding an advisory lock on the app, so replicas never score the
 * same app at once and a minute is scored exactly once (a crash mid-minute rolls it back).
 */
public class AppScorer {

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AlertStore store;
    private final ScoringProperties props;
    private final JsonMapper json;
    private final MeterRegistry meters;

    public AppScorer(DatabaseClient db, TransactionalOperator tx, AlertStore store, ScoringProperties props,
            JsonMapper json, MeterRegistry meters) {
        this.db = db;
        this.tx = tx;
        this.store = store;
        this.props = props;
        this.json = json;
        this.meters = meters;
    }

    /** Apps whose watermark allows scoring another minute. */
    public Flux<String[]> appsDue() {
        return db.sql("SELECT project_id, app_id FROM scoring_state WHERE evaluated_until IS NULL "
                        + "OR evaluated_until + interval '1 minute' <= date_trunc('minute', watermark - make_interval(secs => $1)) "
                        + "ORDER BY project_id, app_id")
                .bind(0, (double) props.lateness().toSeconds())
                .map(row -> new String[] {row.get(0, String.class), row.get(1, String.class)})
                .all();
    }

    /** Scores the app's next due minute; emits true if one was scored. */
    public Mono<Boolean> scoreNextMinute(String projectId, String appId) {
        Mono<Boolean> work = db.sql("SELECT pg_try_advisory_xact_lock(hashtext($1))")
                .bind(0, "sluice_score/" + projectId + "/" + appId)
                .map(row -> row.get(0, Boolean.class)).one()
                .flatMap(locked -> !locked ? Mono.just(false) : db.sql("SELECT first_seen, watermark, evaluated_until "
                                + "FROM scoring_state WHERE project_id = $1 AND app_id = $2")
                        .bind(0, projectId).bind(1, appId)
                        .map(row -> new Instant[] {AlertStore.instant(row, "first_seen"), AlertStore.instant(row, "watermark"),
                                AlertStore.instant(row, "evaluated_until")})
                        .one()
                        .flatMap(s -> {
                            Instant last = s[1].minus(props.lateness()).truncatedTo(ChronoUnit.MINUTES);
                            Instant next = (s[2] == null ? s[0].truncatedTo(ChronoUnit.MINUTES) : s[2]).plus(1, ChronoUnit.MINUTES);
                            // Minutes older than any window still to be judged are skipped, not scored one by
                            // one (an app whose first event claims 1970 would otherwise take days to catch up).
                            Instant earliest = last.minus(props.window()).minus(props.baseline());
                            if (next.isBefore(earliest)) {
                                next = earliest;
                            }
                            if (next.isAfter(last)) {
                                return Mono.just(false);
                            }
                            return score(projectId, appId, s[0], next)
                                    .then(db.sql("UPDATE scoring_state SET evaluated_until = $3 WHERE project_id = $1 "
                                                    + "AND app_id = $2").bind(0, projectId).bind(1, appId)
                                            .bind(2, AlertStore.utc(next)).fetch().rowsUpdated())
                                    .doOnSuccess(n -> meters.counter("sluice_scoring_minutes").increment())
                                    .thenReturn(true);
                        }));
        return tx.transactional(work).defaultIfEmpty(false);
    }

    private Mono<Void> score(String projectId, String appId, Instant firstSeen, Instant end) {
        AlertDecider.Context ctx = new AlertDecider.Context(end, props.window(), props.fastWindow(), props.baseline(),
                props.holdDown(), props.learningPeriod(), firstSeen);
        Mono<Map<Pattern, PatternSettings>> settings = db.sql("SELECT scoring FROM projects WHERE id = $1")
                .bind(0, projectId).map(row -> row.get(0, Json.class)).one()
                .map(j -> settings(json.readTree(j.asString())))
                .defaultIfEmpty(settings(null));
        Mono<HealthWindow> health = HealthWindow.read(db, projectId, appId, ctx.baselineStart(), ctx.windowStart(), ctx.fastStart(),
                end);
        Mono<List<Existing>> existing = store.unresolved(projectId, appId).collectList();
        Mono<List<AlertDecider.HandResolved>> handResolved = store.handResolved(projectId, appId, ctx.windowStart())
                .collectList();
        return Mono.zip(settings, health, existing, handResolved).flatMap(t -> signatures(projectId, appId, ctx, t.getT3())
                .flatMap(sig -> {
                    List<Action> actions = AlertDecider.decide(ctx, t.getT2(), t.getT1(), t.getT3(), t.getT4(), sig.recent(),
                            sig.lastSeen(), sig.alertedBefore());
                    if (actions.isEmpty()) {
                        return Mono.<Void>empty();
                    }
                    // Change-log lock first, alert rows after: every writer takes them in this order.
                    return store.lockChangeLog()
                            .thenMany(Flux.fromIterable(actions).concatMap(a -> apply(projectId, appId, a))).then();
                }));
    }

    private Mono<AlertChange> apply(String projectId, String appId, Action action) {
        return switch (action) {
            case AlertDecider.Open o -> store.open(projectId, appId, o.finding(), o.settings())
                    .doOnNext(c -> meters.counter("sluice_alerts_opened", "pattern", o.finding().pattern().id()).increment());
            case AlertDecider.Update u -> store.update(projectId, appId, u.alert(), u.finding(), u.settings());
            case AlertDecider.Resolve r -> store.resolve(projectId, r.alert().alertId(),
                            json.createObjectNode().put("reason", r.reason()))
                    .doOnNext(c -> meters.counter("sluice_alerts_resolved", "pattern", r.alert().pattern().id(),
                            "reason", r.reason()).increment());
        };
    }

    private record Signatures(List<Finding.Signature> recent, Map<String, Instant> lastSeen, Set<String> alertedBefore) {
    }

    private Mono<Signatures> signatures(String projectId, String appId, AlertDecider.Context ctx, List<Existing> existing) {
        Mono<List<Finding.Signature>> recent = db.sql("SELECT signature, exception, top_frame, first_version, first_seen, "
                        + "occurrences FROM crash_signatures WHERE project_id = $1 AND app_id = $2 AND first_seen >= $3 "
                        + "AND first_seen < $4")
                .bind(0, projectId).bind(1, appId).bind(2, AlertStore.utc(ctx.windowStart())).bind(3, AlertStore.utc(ctx.end()))
                .map(row -> new Finding.Signature(row.get("signature", String.class), row.get("exception", String.class),
                        row.get("top_frame", String.class), row.get("first_version", String.class),
                        AlertStore.instant(row, "first_seen"), row.get("occurrences", Long.class)))
                .all().collectList();
        String[] open = existing.stream().filter(e -> e.pattern() == Pattern.NEW_CRASH_SIGNATURE)
                .map(Existing::value).toArray(String[]::new);
        Mono<Map<String, Instant>> lastSeen = open.length == 0 ? Mono.just(Map.of())
                : db.sql("SELECT signature, last_seen FROM crash_signatures WHERE project_id = $1 AND app_id = $2 "
                                + "AND signature = ANY($3)")
                        .bind(0, projectId).bind(1, appId).bind(2, open)
                        .map(row -> Map.entry(row.get(0, String.class), AlertStore.instant(row, "last_seen")))
                        .all().collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new);
        return recent.flatMap(r -> {
            String[] names = r.stream().map(Finding.Signature::signature).toArray(String[]::new);
            Mono<Set<String>> before = names.length == 0 ? Mono.just(Set.of())
                    : db.sql("SELECT dimension_value FROM alerts WHERE project_id = $1 AND app_id = $2 "
                                    + "AND pattern = 'new_crash_signature' AND dimension_value = ANY($3)")
                            .bind(0, projectId).bind(1, appId).bind(2, names)
                            .map(row -> row.get(0, String.class)).all().collect(HashSet::new, Set::add);
            return Mono.zip(lastSeen, before).map(t -> new Signatures(r, t.getT1(), t.getT2()));
        });
    }

    /** Defaults, then {@code sluice.scoring.patterns}, then the project's {@code scoring} JSON. */
    Map<Pattern, PatternSettings> settings(JsonNode project) {
        Map<Pattern, PatternSettings> out = new EnumMap<>(Pattern.class);
        for (Pattern p : Pattern.values()) {
            PatternSettings s = p.defaults();
            Map<String, Double> global = props.patterns().get(p.id());
            if (global != null) {
                var node = json.createObjectNode();
                global.forEach((k, v) -> node.put(k.replace('-', '_'), v));
                s = s.with(node);
            }
            if (project != null) {
                s = s.with(project.get(p.id()));
            }
            out.put(p, s);
        }
        return out;
    }
}
