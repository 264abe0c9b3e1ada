package io.github.ec2metadata.proxycache.cache;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.config.ProxyConfig.Cache.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The configured rules, in the order they are tried, and the fallback for paths that match none.
 * Building it checks every rule and fails with a message that names the bad property.
 */
public final class CachePolicy {

    private final List<CacheRule> rules;
    private final CacheRule fallback;

    CachePolicy(List<CacheRule> rules, CacheRule fallback) {
        this.rules = List.copyOf(rules);
        this.fallback = fallback;
    }

    /** Builds the policy from configuration; throws {@link IllegalArgumentException} if invalid. */
    public static CachePolicy from(ProxyConfig.Cache config) {
        List<Map.Entry<String, Rule>> ordered = new ArrayList<>(config.rules().entrySet());
        ordered.sort(Comparator.comparingInt((Map.Entry<String, Rule> e) -> e.getValue().order())
                .thenComparing(Map.Entry::getKey));
        List<CacheRule> rules = new ArrayList<>();
        for (Map.Entry<String, Rule> entry : ordered) {
            rules.add(compile(entry.getKey(), entry.getValue()));
        }
        Duration ttl = positive("imds.cache.default-ttl", config.defaultTtl());
        CacheRule fallback = new CacheRule("default", List.of(), ttl,
                notNegative("imds.cache.default-stale-if-error", config.defaultStaleIfError()),
                notFoundTtl("imds.cache.default-not-found-ttl", config.defaultNotFoundTtl(), ttl));
        return new CachePolicy(rules, fallback);
    }

    /** The rule for a request target (path and query, as the client sent it). */
    public CacheRule ruleFor(String requestTarget) {
        String path = versionless(requestTarget);
        for (CacheRule rule : rules) {
            if (rule.matches(path)) {
                return rule;
            }
        }
        return fallback;
    }

    /** The rules in the order they are tried, then the fallback. */
    public List<CacheRule> describe() {
        List<CacheRule> all = new ArrayList<>(rules);
        all.add(fallback);
        return all;
    }

    /**
     * The path without its query and without its first segment, the version prefix
     * ({@code latest}, {@code 1.0} or a date): {@code /latest/meta-data/x} gives
     * {@code meta-data/x}.
     */
    static String versionless(String requestTarget) {
        int query = requestTarget.indexOf('?');
        String path = query < 0 ? requestTarget : requestTarget.substring(0, query);
        int afterVersion = path.indexOf('/', 1);
        return afterVersion < 0 ? "" : path.substring(afterVersion + 1);
    }

    private static CacheRule compile(String name, Rule rule) {
        String property = "imds.cache.rules." + name;
        if (rule.paths().isEmpty()) {
            throw new IllegalArgumentException(property + ".paths: no path pattern given");
        }
        List<PathPattern> patterns = new ArrayList<>();
        for (String glob : rule.paths()) {
            try {
                patterns.add(PathPattern.compile(glob));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + ".paths: " + e.getMessage(), e);
            }
        }
        Duration ttl = positive(property + ".ttl", rule.ttl());
        Duration stale = notNegative(property + ".stale-if-error", rule.staleIfError());
        Duration notFound = notFoundTtl(property + ".not-found-ttl",
                rule.notFoundTtl().orElse(ttl), ttl);
        return new CacheRule(name, patterns, ttl, stale, notFound);
    }

    private static Duration positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + ": must be positive, was " + value);
        }
        return value;
    }

    private static Duration notNegative(String property, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(property + ": must not be negative, was " + value);
        }
        return value;
    }

    private static Duration notFoundTtl(String property, Duration value, Duration ttl) {
        notNegative(property, value);
        if (value.compareTo(ttl) > 0) {
            throw new IllegalArgumentException(property + ": must not exceed the ttl (" + ttl
                    + "), was " + value);
        }
        return value;
    }
}
