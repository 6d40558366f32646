package io.sluice.gateway.storage;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * PostgreSQL LISTEN on a dedicated connection (outside the pool: it stays open for good), with
 * reconnects. Notifications sent while disconnected are lost, so every (re)connect is announced
 * and listeners catch up by other means (a cache flush, a re-read of a log).
 */
@Component
public class PostgresNotifications {

    private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);

    private final ConnectionFactory factory;

    public PostgresNotifications(R2dbcProperties r2dbc) {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(r2dbc.getUrl()).mutate();
        if (r2dbc.getUsername() != null) {
            options.option(ConnectionFactoryOptions.USER, r2dbc.getUsername());
        }
        if (r2dbc.getPassword() != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, r2dbc.getPassword());
        }
        this.factory = ConnectionFactories.get(options.build());
    }

    /**
     * The payloads of notifications on {@code channel}, forever; {@code onListening} runs each time
     * the LISTEN is (re)established.
     */
    public Flux<String> listen(String channel, Runnable onListening) {
        return Flux.usingWhen(Mono.from(factory.create()), c -> listen(c, channel, onListening), Connection::close)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("listener on {} reconnecting: {}", channel, s.failure().toString())));
    }

    private static Flux<String> listen(Connection connection, String channel, Runnable onListening) {
        PostgresqlConnection pg = (PostgresqlConnection) connection;
        return pg.createStatement("LISTEN " + channel).execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.fromRunnable(onListening))
                .thenMany(pg.getNotifications())
                .map(n -> n.getParameter() == null ? "" : n.getParameter())
                // The notification stream completes when the connection drops: reconnect.
                .concatWith(Mono.error(new IllegalStateException("notification connection on " + channel + " closed")));
    }
}
