package io.github.ec2metadata.proxycache.token;

import io.github.ec2metadata.proxycache.cache.CacheKey;
import io.github.ec2metadata.proxycache.cache.Delivery;
import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics.UpstreamCause;
import io.github.ec2metadata.proxycache.upstream.ImdsUpstream;
import io.github.ec2metadata.proxycache.upstream.TokenlessRefusalListener;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Decides whether tokenless (IMDSv1) reads are served. In mirror mode it follows IMDS: a
 * tokenless upstream read answered 401 means IMDS requires tokens, so the proxy refuses such
 * reads too and drops what it holds of them; while that lasts IMDS is asked again on a period
 * to see whether the requirement was lifted.
 */
@ApplicationScoped
public class TokenRequirement implements TokenlessRefusalListener {

    private static final Logger LOG = Logger.getLogger(TokenRequirement.class);

    /** What the proxy reads tokenless to learn whether IMDS requires tokens. */
    static final String PROBE_TARGET = "/latest/meta-data/";

    @Inject
    ProxyConfig config;

    @Inject
    MetadataCache cache;

    @Inject
    ImdsUpstream upstream;

    @Inject
    Vertx vertx;

    private TokenMode mode;
    private volatile boolean imdsRequiresTokens;

    /** Reads the mode; the first probe is made by the start-up warm-up, which waits on it. */
    void start(@Observes @Priority(10) StartupEvent event) {
        mode = TokenMode.parse(config.tokens().mode());
        if (mode == TokenMode.MIRROR) {
            vertx.setPeriodic(config.tokens().mirrorCheckInterval().toMillis(), id -> {
                if (imdsRequiresTokens) {
                    probe();
                }
            });
        }
    }

    /** Whether a read without a session token may be served now. */
    public boolean tokenlessAllowed() {
        return switch (mode) {
            case OPTIONAL -> true;
            case REQUIRED -> false;
            case MIRROR -> !imdsRequiresTokens;
        };
    }

    public TokenMode mode() {
        return mode;
    }

    @Override
    public void tokenlessReadRefused() {
        if (mode == TokenMode.MIRROR) {
            requireTokens(true);
        }
    }

    /**
     * Asks IMDS tokenless, now, whether it requires tokens; completes when the answer has been
     * taken into account. A failed probe changes nothing.
     */
    public CompletionStage<Void> probe() {
        return upstream.read(new CacheKey(Delivery.TOKENLESS, PROBE_TARGET), UpstreamCause.PROBE)
                .invoke(answer -> {
                    if (answer.status() == 200) {
                        requireTokens(false);
                    } else if (answer.status() == 401) {
                        requireTokens(true);
                    }
                })
                .onFailure().invoke(failure -> LOG.debugf("token requirement probe failed: %s",
                        failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .subscribeAsCompletionStage();
    }

    private synchronized void requireTokens(boolean required) {
        if (imdsRequiresTokens == required) {
            return;
        }
        imdsRequiresTokens = required;
        if (required) {
            LOG.info("IMDS requires session tokens; refusing tokenless reads as it does");
            cache.forget(key -> key.delivery() == Delivery.TOKENLESS);
        } else {
            LOG.info("IMDS serves tokenless reads; serving them too");
        }
    }
}
