package io.sluice.gateway.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Caffeine async cache of API keys by hash, loaded from PostgreSQL.
 *
 * <p>A known key is served from memory; after {@code cache-refresh} it is reloaded in the
 * background while the old value keeps serving, so the hot path never waits on the database for a
 * key it has seen. Unknown keys are cached as empty for {@code negative-cache-ttl}.
 */
@Component
public class ApiKeyCache {

    private final AsyncLoadingCache<String, Optional<ApiKeyRecord>> cache;

    public ApiKeyCache(ApiKeyRepository repository, AuthProperties props, MeterRegistry meters) {
        Counter lookups = meters.counter("sluice_api_key_lookups");
        long knownTtl = props.cacheExpiry().toNanos();
        long unknownTtl = props.negativeCacheTtl().toNanos();
        this.cache = Caffeine.newBuilder()
                // Housekeeping on the calling thread, not the common pool (docs/decisions.md).
                .executor(Runnable::run)
                .maximumSize(props.cacheMaxKeys())
                .refreshAfterWrite(props.cacheRefresh())
                .expireAfter(new Expiry<String, Optional<ApiKeyRecord>>() {
                    @Override
                    public long expireAfterCreate(String key, Optional<ApiKeyRecord> value, long now) {
                        return value.isPresent() ? knownTtl : unknownTtl;
                    }

                    @Override
                    public long expireAfterUpdate(String key, Optional<ApiKeyRecord> value, long now, long current) {
                        return value.isPresent() ? knownTtl : unknownTtl;
                    }

                    @Override
                    public long expireAfterRead(String key, Optional<ApiKeyRecord> value, long now, long current) {
                        return value.isPresent() ? knownTtl : current;
                    }
                })
                .recordStats()
                .buildAsync((hash, executor) -> repository.findByHash(hash)
                        .doOnSubscribe(s -> lookups.increment())
                        .map(Optional::of)
                        .defaultIfEmpty(Optional.empty())
                        .toFuture());
        CaffeineCacheMetrics.monitor(meters, cache.synchronous(), "sluice_api_keys");
    }

    /** The key with this hash, or empty when no such key exists. */
    public Mono<Optional<ApiKeyRecord>> find(String keyHash) {
        return Mono.fromFuture(cache.get(keyHash), true);
    }

    /** Forgets a key so the next use reloads it. */
    public void invalidate(String keyHash) {
        cache.synchronous().invalidate(keyHash);
    }

    /** Forgets every cached key of a project (its quota or allowed apps changed). */
    public void invalidateProject(String projectId) {
        cache.synchronous().asMap().entrySet().removeIf(e -> e.getValue().map(r -> r.projectId().equals(projectId))
                .orElse(false));
    }

    /** Forgets everything (after missing notifications, e.g. on reconnect). */
    public void invalidateAll() {
        cache.synchronous().invalidateAll();
    }
}
