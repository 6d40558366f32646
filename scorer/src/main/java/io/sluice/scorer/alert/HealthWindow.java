package io.sluice.scorer.alert;

import io.sluice.scorer.alert.Pattern.Dimension;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The health counters of one app around one evaluation: each metric's count in the window and in
 * the baseline before it, per dimension value, read in one query with grouping sets.
 */
public final class HealthWindow {

    /** One metric for one dimension value. */
    public record Key(String metric, Dimension dimension, String value) {
    }

    /**
     * Counts in the window, in the baseline and in the fast (onset) window at the window's end;
     * the sums add up the metric's value (latency).
     */
    public record Counts(long window, long baseline, double windowSum, long fast, double fastSum) {
        static final Counts ZERO = new Counts(0, 0, 0, 0, 0);
    }

    private static final String QUERY = """
            SELECT metric, GROUPING(platform, os_version, app_version, dim_key) AS g,
                   platform, os_version, app_version, dim_key,
                   coalesce(sum(count) FILTER (WHERE minute >= $3), 0)::bigint AS wc,
                   coalesce(sum(count) FILTER (WHERE minute < $3), 0)::bigint AS bc,
                   coalesce(sum(sum_value) FILTER (WHERE minute >= $3), 0) AS ws,
                   coalesce(sum(count) FILTER (WHERE minute >= $6), 0)::bigint AS fc,
                   coalesce(sum(sum_value) FILTER (WHERE minute >= $6), 0) AS fs
            FROM health_minutes
            WHERE project_id = $1 AND app_id = $2 AND minute >= $4 AND minute < $5
            GROUP BY GROUPING SETS ((metric), (metric, platform), (metric, platform, os_version),
                                    (metric, app_version), (metric, dim_key))""";

    private final Map<Key, Counts> counts;

    HealthWindow(Map<Key, Counts> counts) {
        this.counts = counts;
    }

    public Counts get(String metric, Dimension dimension, String value) {
        return counts.getOrDefault(new Key(metric, dimension, value), Counts.ZERO);
    }

    /** The keys of one metric and dimension with any count. */
    public Iterable<Key> keys() {
        return counts.keySet();
    }

    static Mono<HealthWindow> read(DatabaseClient db, String projectId, String appId, Instant baselineStart,
            Instant windowStart, Instant fastStart, Instant end) {
        return db.sql(QUERY)
                .bind(0, projectId).bind(1, appId).bind(2, utc(windowStart)).bind(3, utc(baselineStart)).bind(4, utc(end))
                .bind(5, utc(fastStart))
                .map(row -> {
                    int g = row.get("g", Integer.class);
                    Dimension dim;
                    String value;
                    switch (g) {
                        case 15 -> {
                            dim = Dimension.APP;
                            value = "";
                        }
                        case 7 -> {
                            dim = Dimension.PLATFORM;
                            value = row.get("platform", String.class);
                        }
                        case 3 -> {
                            dim = Dimension.OS;
                            String os = row.get("os_version", String.class);
                            value = os.isEmpty() ? "" : row.get("platform", String.class) + " " + os;
                        }
                        case 13 -> {
                            dim = Dimension.VERSION;
                            value = row.get("app_version", String.class);
                        }
                        default -> {
                            dim = Dimension.KEY;
                            value = row.get("dim_key", String.class);
                        }
                    }
                    Key key = new Key(row.get("metric", String.class), dim, value);
                    return Map.entry(key, new Counts(row.get("wc", Long.class), row.get("bc", Long.class),
                            row.get("ws", Double.class), row.get("fc", Long.class), row.get("fs", Double.class)));
                })
                .all()
                .filter(e -> e.getKey().dimension() == Dimension.APP || !e.getKey().value().isEmpty())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
                .map(HealthWindow::new);
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
