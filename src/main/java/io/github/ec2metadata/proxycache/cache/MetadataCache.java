package io.github.ec2metadata.proxycache.cache;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.github.ec2metadata.proxycache.upstream.ImdsUpstream;
import io.github.ec2metadata.proxycache.upstream.UpstreamFailure;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Answers reads from memory when it can and from IMDS when it must: fresh entries are served as
 * they are, concurrent misses for one key share one upstream request, and an entry past its
 * freshness stands in while IMDS fails, for as long as its rule allows.
 */
@ApplicationScoped
public class MetadataCache {

    /** Name of the quarkus-cache (Caffeine) cache that holds the entries. */
    public static final String CACHE_NAME = "imds-metadata";

    private static final Logger LOG = Logger.getLogger(MetadataCache.class);

    private final CaffeineCache entries;
    private final ImdsUpstream upstream;
    private final ProxyClock clock;
    private final CachePolicy policy;
    private final Freshness freshness;
    private final Duration answerDeadline;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<MetadataAnswer>> inFlight =
            new ConcurrentHashMap<>();

    MetadataCache(@CacheName(CACHE_NAME) Cache cache, ImdsUpstream upstream, ProxyClock clock,
            ProxyConfig config) {
        this.entries = cache.as(CaffeineCache.class);
        this.entries.setMaximumSize(config.cache().maxEntries());
        this.upstream = upstream;
        this.clock = clock;
        this.policy = CachePolicy.from(config.cache());
        this.freshness = new Freshness(config.credentials().refreshMargin());
        this.answerDeadline = config.upstream().deadline();
    }

    /**
     * The answer for a read: look up, then fetch if needed, then decide what to serve. A reader
     * waits for IMDS at most {@code imds.upstream.deadline}; the fetch itself goes on and fills
     * the cache for those who come after.
     */
    public CompletionStage<Served> read(CacheKey key) {
        CacheEntry held = held(key);
        long now = clock.nanoTime();
        if (held != null && held.isFresh(now)) {
            if (held.wantsRefresh(now)) {
                fetch(key);
                return CompletableFuture.completedFuture(
                        new Served(held.answer(), Outcome.REFRESH));
            }
            return CompletableFuture.completedFuture(new Served(held.answer(), Outcome.HIT));
        }
        return fetch(key).copy()
                .orTimeout(answerDeadline.toNanos(), TimeUnit.NANOSECONDS)
                .handle((fetched, failure) -> serve(held, fetched, failure));
    }

    /** The rules in force, in the order they are tried. */
    public CachePolicy policy() {
        return policy;
    }

    /** Forgets every entry whose key matches, for example all tokenless ones. */
    public void forget(Predicate<CacheKey> which) {
        List<Object> doomed = new ArrayList<>();
        for (Object key : entries.keySet()) {
            if (which.test((CacheKey) key)) {
                doomed.add(key);
            }
        }
        // Caffeine invalidates at once; subscribing runs it without blocking the caller.
        doomed.forEach(key -> entries.invalidate(key).subscribe().with(done -> { }));
    }

    /** Upstream fetches under way, each shared by every reader of its key. */
    public int fetchesInFlight() {
        return inFlight.size();
    }

    /** Number of entries held. */
    public int size() {
        return entries.keySet().size();
    }

    private CacheEntry held(CacheKey key) {
        CompletableFuture<CacheEntry> stored = entries.getIfPresent(key);
        return stored == null ? null : stored.getNow(null);
    }

    /** One upstream request per key at a time; every reader of the key shares its result. */
    private CompletableFuture<MetadataAnswer> fetch(CacheKey key) {
        CompletableFuture<MetadataAnswer> mine = new CompletableFuture<>();
        CompletableFuture<MetadataAnswer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        LOG.debugf("fetching %s from IMDS", key);
        upstream.read(key).subscribe().with(
                answer -> {
                    store(key, answer);
                    inFlight.remove(key, mine);
                    mine.complete(answer);
                },
                failure -> {
                    inFlight.remove(key, mine);
                    mine.completeExceptionally(failure);
                });
        return mine;
    }

    private void store(CacheKey key, MetadataAnswer answer) {
        CacheEntry entry = freshness.entryFor(key.target(), answer, policy.ruleFor(key.target()),
                clock.now());
        if (entry != null) {
            entries.put(key, CompletableFuture.completedFuture(entry));
        }
    }

    private Served serve(CacheEntry held, MetadataAnswer fetched, Throwable failure) {
        long now = clock.nanoTime();
        boolean imdsFailed = failure != null || isTransientStatus(fetched.status());
        if (imdsFailed && held != null && held.isUsableWhileFailing(now)) {
            return new Served(held.answer(), Outcome.STALE);
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            UpstreamFailure.Kind kind = cause instanceof UpstreamFailure upstreamFailure
                    ? upstreamFailure.kind()
                    : cause instanceof TimeoutException
                            ? UpstreamFailure.Kind.TIMEOUT
                            : UpstreamFailure.Kind.UNREACHABLE;
            return new Served(MetadataAnswer.ofProxy(kind.status(), kind.message(), now),
                    Outcome.ERROR);
        }
        if (imdsFailed) {
            return new Served(fetched, Outcome.ERROR);
        }
        return new Served(fetched, Outcome.MISS);
    }

    private static boolean isTransientStatus(int status) {
        return status == 429 || status >= 500;
    }
}
