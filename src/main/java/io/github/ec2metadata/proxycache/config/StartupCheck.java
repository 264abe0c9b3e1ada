package io.github.ec2metadata.proxycache.config;

import io.github.ec2metadata.proxycache.access.AccessRules;
import io.github.ec2metadata.proxycache.cache.CachePolicy;
import io.github.ec2metadata.proxycache.cache.CacheRule;
import io.github.ec2metadata.proxycache.token.TokenMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Checks the whole configuration before the first request and stops start-up with a message
 * that names the bad property and value; then logs the effective settings, secrets left out.
 */
@ApplicationScoped
public class StartupCheck {

    private static final Logger LOG = Logger.getLogger(StartupCheck.class);

    /** Shortest signing key accepted, in characters. */
    static final int MIN_SIGNING_KEY_LENGTH = 32;

    void check(@Observes @jakarta.annotation.Priority(1) StartupEvent event, ProxyConfig config,
            AccessRules access) {
        CachePolicy policy = validate(config);
        LOG.infof("Proxying %s: %d upstream connections, deadline %d ms, token mode %s,"
                        + " signing key %s, %d cache entries at most",
                config.upstream().url(), config.upstream().maxConnections(),
                config.upstream().deadline().toMillis(), config.tokens().mode(),
                config.tokens().signingKey().isPresent() ? "configured" : "random per start",
                config.cache().maxEntries());
        for (CacheRule rule : policy.describe()) {
            LOG.infof("Cache rule %s", rule);
        }
        LOG.infof("Access: %s", access.describe());
    }

    /** Every check; throws {@link IllegalArgumentException} naming the first bad property. */
    public static CachePolicy validate(ProxyConfig config) {
        ProxyConfig.Upstream upstream = config.upstream();
        String scheme = upstream.url().getScheme();
        if (!"http".equals(scheme) || upstream.url().getHost() == null) {
            throw new IllegalArgumentException("imds.upstream.url: must be an http:// URL with a"
                    + " host, was '" + upstream.url() + "'");
        }
        atLeast("imds.upstream.max-connections", upstream.maxConnections(), 1);
        atLeast("imds.upstream.max-waiting", upstream.maxWaiting(), 0);
        atLeast("imds.upstream.max-body-bytes", upstream.maxBodyBytes(), 1);
        positive("imds.upstream.connect-timeout", upstream.connectTimeout());
        positive("imds.upstream.attempt-timeout", upstream.attemptTimeout());
        positive("imds.upstream.deadline", upstream.deadline());
        positive("imds.upstream.retry-backoff", upstream.retryBackoff());
        Duration tokenTtl = upstream.tokenTtl();
        if (tokenTtl.toSeconds() < 60 || tokenTtl.toSeconds() > 21600) {
            throw new IllegalArgumentException("imds.upstream.token-ttl: must be from 60 s to"
                    + " 21600 s, was " + tokenTtl);
        }
        atLeast("imds.cache.max-entries", config.cache().maxEntries(), 1);
        positive("imds.credentials.refresh-margin", config.credentials().refreshMargin());
        positive("imds.tokens.mirror-check-interval", config.tokens().mirrorCheckInterval());
        TokenMode.parse(config.tokens().mode());
        config.tokens().signingKey().ifPresent(key -> {
            if (key.length() < MIN_SIGNING_KEY_LENGTH) {
                throw new IllegalArgumentException("imds.tokens.signing-key: must be at least "
                        + MIN_SIGNING_KEY_LENGTH + " characters (value not shown)");
            }
        });
        String header = config.answers().cacheStatusHeader();
        if (!header.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("imds.answers.cache-status-header: must be a"
                    + " header name of letters, digits and '-', was '" + header + "'");
        }
        AccessRules.validate(config);
        return CachePolicy.from(config.cache());
    }

    private static void atLeast(String property, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(property + ": must be at least " + minimum
                    + ", was " + value);
        }
    }

    private static void positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + ": must be positive, was " + value);
        }
    }
}
