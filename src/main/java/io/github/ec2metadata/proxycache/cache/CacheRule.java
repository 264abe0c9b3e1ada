package io.github.ec2metadata.proxycache.cache;

import java.time.Duration;
import java.util.List;

/**
 * How long the answers for one group of metadata paths stay fresh, how long past that they may
 * stand in while IMDS fails, and how long a 404 (the "absent" signal of IMDS) is believed.
 */
public record CacheRule(
        String name,
        List<PathPattern> patterns,
        Duration ttl,
        Duration staleIfError,
        Duration notFoundTtl) {

    boolean matches(String versionlessPath) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(versionlessPath)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name + " " + patterns + " ttl=" + ttl + " stale-if-error=" + staleIfError
                + " not-found-ttl=" + notFoundTtl;
    }
}
