package io.sluice.gateway.alert;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.common.alert.AlertChange;
import io.sluice.gateway.auth.ApiPrincipal;
import io.sluice.gateway.auth.Scopes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/alerts/stream}: Server-Sent Events of the project's alert changes
 * ({@code alert.opened}, {@code alert.updated}, {@code alert.resolved}, {@code agent_report}),
 * each with {@code id:} = the change-log cursor and the alert JSON as {@code data:}.
 *
 * <p>Resume with {@code Last-Event-ID} or {@code since=} (a cursor or an ISO 8601 time): the
 * client is attached to the live feed first (buffering), then what it missed is replayed from
 * PostgreSQL, then the buffer continues; one cursor filter drops anything already sent, so there
 * is no gap and no duplicate, across gateway restarts too. A client that does not keep up holds at
 * most {@code client-buffer} events, then gets {@code stream.evicted} and is disconnected.
 */
@RestController
public class AlertStreamController {

    private final AlertFeed feed;
    private final AlertsRepository alerts;
    private final StreamProperties props;
    private final Clock clock;
    private final AtomicInteger clients = new AtomicInteger();
    private final Cache<Long, String> serialized = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5)).build();

    public AlertStreamController(AlertFeed feed, AlertsRepository alerts, StreamProperties props, Clock clock,
            MeterRegistry meters) {
        this.feed = feed;
        this.alerts = alerts;
        this.props = props;
        this.clock = clock;
        meters.gauge("sluice_sse_clients", clients);
    }

    @GetMapping(path = "/v1/alerts/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<Object>> stream(@RequestParam(name = "app_id", required = false) String appId,
            @RequestParam(required = false) String severity, @RequestParam(required = false) String since,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId, ServerWebExchange exchange) {
        ApiPrincipal principal = ApiPrincipal.of(exchange);
        Scopes.require(principal, Scopes.READ_ALERTS);
        AlertQuery filters = AlertQuery.parse(appId, null, severity, null, null, null, clock);
        String project = principal.projectId();
        Mono<Long> resumeFrom = resumePoint(lastEventId != null ? lastEventId : since, lastEventId != null);

        return resumeFrom.flatMapMany(from -> {
            // Attach to the live feed before reading the head, so nothing falls in between.
            Sinks.Many<AlertChange> buffer = Sinks.many().unicast().onBackpressureBuffer(
                    Queues.<AlertChange>get(props.clientBuffer()).get());
            Sinks.One<Boolean> evicted = Sinks.one();
            AtomicLong delivered = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean attached = new AtomicBoolean(true);
            clients.incrementAndGet();
            Runnable detach = () -> {
                if (attached.compareAndSet(true, false)) {
                    clients.decrementAndGet();
                }
            };
            Disposable.Swap live = Disposables.swap();
            live.update(feed.live()
                    .filter(c -> c.projectId().equals(project))
                    .subscribe(c -> {
                        if (buffer.tryEmitNext(c).isFailure()) {
                            // Too far behind: stop buffering now (memory is released at once), end the stream.
                            live.dispose();
                            detach.run();
                            evicted.tryEmitValue(true);
                        }
                    }, buffer::tryEmitError, buffer::tryEmitComplete));
            return feed.ready().flatMapMany(head -> {
                long start = from < 0 ? head : from;
                delivered.set(start);
                AtomicInteger replayed = new AtomicInteger();
                Flux<AlertChange> replay = from < 0 ? Flux.empty()
                        : alerts.changes(project, start, head).take(props.maxReplay()).doOnNext(c -> replayed.incrementAndGet());
                // A replay cut at max-replay must not continue live (that would skip the rest): the
                // stream ends with stream.reset and the client resumes from the last id it got.
                Flux<AlertChange> then = Flux.defer(() -> replayed.get() >= props.maxReplay()
                        ? Flux.error(new ReplayLimit()) : buffer.asFlux());
                Flux<ServerSentEvent<Object>> events = Flux.concat(replay, then)
                        .takeUntilOther(evicted.asMono())
                        .filter(c -> c.changeId() > delivered.get())
                        .doOnNext(c -> delivered.set(c.changeId()))
                        .filter(c -> filters.appId() == null || filters.appId().equals(c.alert().appId()))
                        .filter(c -> filters.severity() == null || filters.severity().equals(c.alert().severity()))
                        .map(this::event)
                        .onErrorResume(ReplayLimit.class, e -> Mono.just(ServerSentEvent.builder()
                                .event("stream.reset")
                                .data((Object) AlertRows.JSON.createObjectNode().put("reason", "replay_limit")
                                        .put("last_event_id", delivered.get())
                                        .put("message", "Replayed the limit of " + props.maxReplay()
                                                + " events; reconnect with Last-Event-ID to continue."))
                                .build()))
                        .concatWith(Mono.defer(() -> attached.get() ? Mono.empty() : Mono.just(ServerSentEvent.builder()
                                .event("stream.evicted")
                                .data((Object) AlertRows.JSON.createObjectNode().put("reason", "slow_client")
                                        .put("last_event_id", delivered.get())
                                        .put("message", "More than " + props.clientBuffer()
                                                + " events were waiting for this client; reconnect with Last-Event-ID."))
                                .build())));
                Flux<ServerSentEvent<Object>> keepAlive = Flux.interval(props.keepAlive(), props.keepAlive())
                        .map(t -> ServerSentEvent.builder().comment("keep-alive").build());
                ServerSentEvent<Object> hello = ServerSentEvent.builder().retry(props.retry()).comment("connected").build();
                // The stream ends when the events end (eviction, shutdown); keep-alives never end it.
                ServerSentEvent<Object> end = ServerSentEvent.builder().comment("end").build();
                return Flux.concat(Mono.just(hello), Flux.merge(events.concatWith(Mono.just(end)), keepAlive)
                        .takeUntil(e -> e == end).filter(e -> e != end));
            }).doFinally(s -> {
                live.dispose();
                detach.run();
            });
        });
    }

    private ServerSentEvent<Object> event(AlertChange c) {
        return ServerSentEvent.builder().id(Long.toString(c.changeId())).event(c.kind()).data((Object) data(c)).build();
    }

    /**
     * The event's JSON, serialized once per change and shared by every client that receives it
     * (serializing per client was a fifth of the fan-out CPU at 10,000 clients; docs/benchmarks.md).
     */
    private String data(AlertChange c) {
        return serialized.get(c.changeId(), id -> {
            ObjectNode data = AlertRows.JSON.valueToTree(c.alert());
            if (c.report() != null) {
                data.set("report", c.report());
            }
            return data.toString();
        });
    }

    /** -1: live only. A cursor: after it. A time: after the last change before it. */
    private Mono<Long> resumePoint(String value, boolean header) {
        if (value == null || value.isBlank()) {
            return Mono.just(-1L);
        }
        try {
            long cursor = Long.parseLong(value.trim());
            if (cursor >= 0) {
                return Mono.just(cursor);
            }
        } catch (NumberFormatException e) {
            // a time, below
        }
        if (header) {
            throw AlertQuery.bad("last_event_id", "Last-Event-ID must be an event id this stream sent.");
        }
        return alerts.lastChangeBefore(AlertQuery.time("since", value.trim(), clock));
    }


    /** The replay reached {@code max-replay}. */
    static final class ReplayLimit extends RuntimeException {
        ReplayLimit() {
            super("replay limit", null, false, false);
        }
    }
}
