package io.github.ec2metadata.proxycache.cache;

/**
 * A cached answer with its deadlines on the monotonic clock: fresh until {@code freshUntilNanos},
 * refreshed in the background once a read comes after {@code refreshFromNanos}, and usable in
 * place of a failing IMDS until {@code staleUntilNanos}. Carries the kind of path and the
 * outcome counts of its key.
 */
record CacheEntry(
        MetadataAnswer answer,
        long refreshFromNanos,
        long freshUntilNanos,
        long staleUntilNanos,
        PathClass pathClass,
        KeyStats stats) {

    boolean isFresh(long nowNanos) {
        return nowNanos - freshUntilNanos < 0;
    }

    boolean wantsRefresh(long nowNanos) {
        return nowNanos - refreshFromNanos >= 0;
    }

    boolean isUsableWhileFailing(long nowNanos) {
        return nowNanos - staleUntilNanos < 0;
    }

    /** The same answer and deadlines, filed under the given path class and statistics. */
    CacheEntry describedAs(PathClass pathClass, KeyStats stats) {
        return new CacheEntry(answer, refreshFromNanos, freshUntilNanos, staleUntilNanos,
                pathClass, stats);
    }
}
