package io.github.ec2metadata.proxycache.cache;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics.UpstreamCause;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.github.ec2metadata.proxycache.upstream.ImdsUpstream;
import io.github.ec2metadata.proxycache.upstream.UpstreamFailure;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final ConcurrentHashMap<CacheKey, Instant> credentialExpirations =
            new ConcurrentHashMap<>();
    private final AtomicInteger readersWaiting = new AtomicInteger();

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
        Served hit = freshHit(key);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit);
        }
        CacheEntry held = held(key);
        readersWaiting.incrementAndGet();
        return fetch(key, UpstreamCause.MISS).copy()
                .orTimeout(answerDeadline.toNanos(), TimeUnit.NANOSECONDS)
                .handle((fetched, failure) -> {
                    readersWaiting.decrementAndGet();
                    return serve(key, held, fetched, failure);
                });
    }

    /**
     * The answer if a fresh one is held, else null: the synchronous fast path of {@link #read}
     * for the common case. Near the end of its freshness, starts a background refresh.
     */
    public Served freshHit(CacheKey key) {
        CacheEntry held = held(key);
        long now = clock.nanoTime();
        if (held == null || !held.isFresh(now)) {
            return null;
        }
        Outcome outcome = Outcome.HIT;
        if (held.wantsRefresh(now)) {
            fetch(key, UpstreamCause.REFRESH);
            outcome = Outcome.REFRESH;
        }
        held.stats().count(outcome);
        return new Served(held.answer(), outcome, held.pathClass());
    }

    /** Forgets every entry whose key matches; returns how many were dropped. */
    public int forget(Predicate<CacheKey> which) {
        List<CacheKey> doomed = new ArrayList<>();
        for (Object key : entries.keySet()) {
            if (which.test((CacheKey) key)) {
                doomed.add((CacheKey) key);
            }
        }
        // Caffeine invalidates at once; subscribing runs it without blocking the caller.
        for (CacheKey key : doomed) {
            credentialExpirations.remove(key);
            entries.invalidate(key).subscribe().with(done -> { });
        }
        return doomed.size();
    }

    /** What is held, without the values: for operators. */
    public List<HeldEntry> describe() {
        long now = clock.nanoTime();
        List<HeldEntry> held = new ArrayList<>();
        for (Object key : entries.keySet()) {
            CacheEntry entry = held((CacheKey) key);
            if (entry != null) {
                held.add(new HeldEntry((CacheKey) key, entry.answer().status(),
                        (now - entry.answer().receivedNanos()) / 1_000_000_000L,
                        entry.isFresh(now), entry.isUsableWhileFailing(now),
                        (entry.freshUntilNanos() - now) / 1_000_000_000L, entry.stats()));
            }
        }
        return held;
    }

    /** Upstream fetches under way, each shared by every reader of its key. */
    public int fetchesInFlight() {
        return inFlight.size();
    }

    /** Client reads waiting for an upstream fetch, their own or one they joined. */
    public int readersWaiting() {
        return readersWaiting.get();
    }

    /** Number of entries held. */
    public int size() {
        return entries.keySet().size();
    }

    /** Seconds until the soonest {@code Expiration} of the credentials held; NaN if none. */
    public double credentialsSecondsLeft() {
        Instant now = clock.now();
        return credentialExpirations.values().stream()
                .mapToDouble(expiration -> Duration.between(now, expiration).toMillis() / 1e3)
                .min().orElse(Double.NaN);
    }

    private CacheEntry held(CacheKey key) {
        CompletableFuture<CacheEntry> stored = entries.getIfPresent(key);
        return stored == null ? null : stored.getNow(null);
    }

    /** One upstream request per key at a time; every reader of the key shares its result. */
    private CompletableFuture<MetadataAnswer> fetch(CacheKey key, UpstreamCause cause) {
        CompletableFuture<MetadataAnswer> mine = new CompletableFuture<>();
        CompletableFuture<MetadataAnswer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        LOG.debugf("fetching %s from IMDS", key);
        upstream.read(key, cause).subscribe().with(
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
        if (entry == null) {
            return;
        }
        CacheEntry previous = held(key);
        KeyStats stats = previous != null ? previous.stats() : new KeyStats();
        entries.put(key, CompletableFuture.completedFuture(
                entry.describedAs(PathClass.of(key.target()), stats)));
        if (Freshness.isCredentials(key.target()) && answer.status() == 200) {
            credentialExpirations.put(key, Freshness.successfulExpiration(answer));
        }
    }

    private Served serve(CacheKey key, CacheEntry held, MetadataAnswer fetched,
            Throwable failure) {
        long now = clock.nanoTime();
        PathClass pathClass = held != null ? held.pathClass() : PathClass.of(key.target());
        boolean imdsFailed = failure != null
                || UpstreamFailure.isTransientStatus(fetched.status());
        if (imdsFailed && held != null && held.isUsableWhileFailing(now)) {
            held.stats().count(Outcome.STALE);
            return new Served(held.answer(), Outcome.STALE, pathClass);
        }
        if (failure != null) {
            UpstreamFailure.Kind kind = kindOf(failure);
            return new Served(MetadataAnswer.ofProxy(kind.status(), kind.message(), now),
                    Outcome.ERROR, pathClass);
        }
        Outcome outcome = imdsFailed ? Outcome.ERROR : Outcome.MISS;
        CacheEntry stored = held(key);
        if (stored != null) {
            stored.stats().count(outcome);
        }
        return new Served(fetched, outcome, pathClass);
    }

    private static UpstreamFailure.Kind kindOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        if (cause instanceof UpstreamFailure upstreamFailure) {
            return upstreamFailure.kind();
        }
        return cause instanceof TimeoutException
                ? UpstreamFailure.Kind.TIMEOUT
                : UpstreamFailure.Kind.UNREACHABLE;
    }

    /** One held entry as operators see it: never its value. */
    public record HeldEntry(CacheKey key, int status, long ageSeconds, boolean fresh,
            boolean usableWhileFailing, long freshForSeconds, KeyStats stats) {
    }
}
