package io.sluice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.gateway.storage.PostgresNotifications;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class KeyChangeListenerTest {

    /** Which cache calls ran, and whether on a thread that must not block (an event loop). */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Test
    void cacheInvalidationsNeverRunOnTheThreadThatDeliversNotifications() {
        ApiKeyCache cache = mock(ApiKeyCache.class);
        doAnswer(i -> record("all")).when(cache).invalidateAll();
        doAnswer(i -> record("key " + i.getArgument(0))).when(cache).invalidate(any());
        doAnswer(i -> record("project " + i.getArgument(0))).when(cache).invalidateProject(any());
        PostgresNotifications notifications = mock(PostgresNotifications.class);
        // Delivered on a non-blocking thread, as r2dbc-postgresql delivers them on its event loop.
        when(notifications.listen(any(), any())).thenAnswer(i -> Mono.fromRunnable(i.<Runnable>getArgument(1))
                .thenMany(Flux.just("key:abc", "project:p1", "other"))
                .subscribeOn(Schedulers.parallel()));
        KeyChangeListener listener = new KeyChangeListener(cache, notifications, new SimpleMeterRegistry());

        listener.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 4);
        } finally {
            listener.stop();
        }

        assertThat(calls).containsExactlyInAnyOrder("all off event loop", "key abc off event loop",
                "project p1 off event loop", "all off event loop");
    }

    private Object record(String call) {
        calls.add(call + (Schedulers.isInNonBlockingThread() ? " ON EVENT LOOP" : " off event loop"));
        return null;
    }
}
