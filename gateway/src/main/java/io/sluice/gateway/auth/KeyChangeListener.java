package io.sluice.gateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Listens on PostgreSQL channel {@code sluice_keys} (fed by triggers on {@code api_keys} and
 * {@code projects}) and drops the changed entries from the key cache, so a revocation reaches
 * every gateway replica within about a second. On every (re)connect the whole cache is dropped,
 * since notifications sent while disconnected are lost.
 */
@Component
public class KeyChangeListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyChangeListener.class);
    static final String CHANNEL = "sluice_keys";

    private final ApiKeyCache cache;
    private final R2dbcProperties r2dbc;
    private final Counter received;
    private volatile Disposable subscription;

    public KeyChangeListener(ApiKeyCache cache, R2dbcProperties r2dbc, MeterRegistry meters) {
        this.cache = cache;
        this.r2dbc = r2dbc;
        this.received = meters.counter("sluice_key_change_notifications");
    }

    @Override
    public void start() {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(r2dbc.getUrl()).mutate();
        if (r2dbc.getUsername() != null) {
            options.option(ConnectionFactoryOptions.USER, r2dbc.getUsername());
        }
        if (r2dbc.getPassword() != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, r2dbc.getPassword());
        }
        var factory = ConnectionFactories.get(options.build());
        subscription = Flux.usingWhen(Mono.from(factory.create()), this::listen, Connection::close)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("key change listener reconnecting: {}", s.failure().toString())))
                .subscribe(this::apply, e -> log.error("key change listener stopped", e));
    }

    private Flux<String> listen(Connection connection) {
        PostgresqlConnection pg = (PostgresqlConnection) connection;
        return pg.createStatement("LISTEN " + CHANNEL).execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.fromRunnable(() -> {
                    cache.invalidateAll();
                    log.info("listening for key and project changes on channel {}", CHANNEL);
                }))
                .thenMany(pg.getNotifications())
                .map(n -> n.getParameter() == null ? "" : n.getParameter())
                // The notification stream completes when the connection drops: reconnect.
                .concatWith(Mono.error(new IllegalStateException("notification connection closed")));
    }

    private void apply(String payload) {
        received.increment();
        if (payload.startsWith("key:")) {
            cache.invalidate(payload.substring(4));
        } else if (payload.startsWith("project:")) {
            cache.invalidateProject(payload.substring(8));
        } else {
            cache.invalidateAll();
        }
    }

    @Override
    public void stop() {
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable s = subscription;
        return s != null && !s.isDisposed();
    }
}
