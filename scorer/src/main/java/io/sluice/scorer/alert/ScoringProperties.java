package io.sluice.scorer.alert;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Alert scoring ({@code sluice.scoring.*}); the formulas are in docs/scoring.md.
 *
 * @param enabled           score and publish alerts. Default true.
 * @param window            the window compared with the baseline. Default 10m.
 * @param fastWindow        a shorter window at the end of it, checked too, so a sharp onset is
 *                          caught within minutes. Default 3m.
 * @param baseline          how much history before the window forms the baseline. Default 6h.
 * @param lateness          a minute is scored once the app's event-time watermark is this far
 *                          past it (waits for events from other partitions). Default 2m.
 * @param holdDown          a breach must stay recovered this long before its alert resolves
 *                          itself (hysteresis). Default 10m.
 * @param learningPeriod    an app's first hour of data (default 1h) only builds its baseline: no
 *                          alert opens before it has that much history.
 * @param tick              how often the scorer looks for minutes to score, reports to apply and
 *                          changes to publish. Default 1s.
 * @param maxMinutesPerTick most minutes scored per app per tick (a backlog catches up over
 *                          several ticks). Default 120.
 * @param signalSample      signals kept in an alert's {@code signal_ids}. Default 10.
 * @param alertsTopic       Kafka topic the change log is published to. Default {@code sluice.alerts}.
 * @param healthRetention   per-minute health counters older than this are deleted. Default 8d.
 * @param patterns          global threshold overrides per pattern id, e.g.
 *                          {@code sluice.scoring.patterns.crash_rate_spike.min_ratio=3}; projects
 *                          override again in {@code projects.scoring}.
 */
@Validated
@ConfigurationProperties("sluice.scoring")
public record ScoringProperties(
        Boolean enabled,
        Duration window,
        Duration fastWindow,
        Duration baseline,
        Duration lateness,
        Duration holdDown,
        Duration learningPeriod,
        Duration tick,
        @Min(1) Integer maxMinutesPerTick,
        @Min(1) Integer signalSample,
        String alertsTopic,
        Duration healthRetention,
        Map<String, Map<String, Double>> patterns) {

    public ScoringProperties {
        enabled = enabled == null || enabled;
        window = window == null ? Duration.ofMinutes(10) : window;
        fastWindow = fastWindow == null ? Duration.ofMinutes(3) : fastWindow;
        baseline = baseline == null ? Duration.ofHours(6) : baseline;
        lateness = lateness == null ? Duration.ofMinutes(2) : lateness;
        holdDown = holdDown == null ? Duration.ofMinutes(10) : holdDown;
        learningPeriod = learningPeriod == null ? Duration.ofHours(1) : learningPeriod;
        tick = tick == null ? Duration.ofSeconds(1) : tick;
        maxMinutesPerTick = maxMinutesPerTick == null ? 120 : maxMinutesPerTick;
        signalSample = signalSample == null ? 10 : signalSample;
        alertsTopic = alertsTopic == null ? "sluice.alerts" : alertsTopic;
        healthRetention = healthRetention == null ? Duration.ofDays(8) : healthRetention;
        patterns = patterns == null ? Map.of() : Map.copyOf(patterns);
    }
}
