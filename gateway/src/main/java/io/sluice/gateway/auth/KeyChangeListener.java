package io.sluice.gateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.storage.PostgresNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

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
    private final PostgresNotifications notifications;
    private final Counter received;
    private volatile Disposable subscription;

    public KeyChangeListener(ApiKeyCache cache, PostgresNotifications notifications, MeterRegistry meters) {
        this.cache = cache;
        this.notifications = notifications;
        this.received = meters.counter("sluice_key_change_notifications");
    }

    @Override
    public void start() {
        // Off the connection's event loop: Caffeine's invalidations take its eviction lock, which
        // parks while its maintenance holds it (BlockHound caught it once in CI).
        subscription = notifications.listen(CHANNEL, () -> Schedulers.boundedElastic().schedule(() -> {
                    cache.invalidateAll();
                    log.info("listening for key and project changes on channel {}", CHANNEL);
                }))
                .publishOn(Schedulers.boundedElastic())
                .subscribe(this::apply, e -> log.error("key change listener stopped", e));
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
