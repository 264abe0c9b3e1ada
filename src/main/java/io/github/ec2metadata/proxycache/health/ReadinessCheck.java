package io.github.ec2metadata.proxycache.health;

import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.config.ProxyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once IMDS has been reached at least once (unless configured not to wait), and from then
 * on while the proxy can answer: IMDS answers, or entries are held to serve in its place.
 * Reports the last known state; it never calls IMDS itself, so it never blocks.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final UpstreamHealth upstream;
    private final MetadataCache cache;
    private final boolean waitForUpstream;

    ReadinessCheck(UpstreamHealth upstream, MetadataCache cache, ProxyConfig config) {
        this.upstream = upstream;
        this.cache = cache;
        this.waitForUpstream = config.health().waitForUpstream();
    }

    @Override
    public HealthCheckResponse call() {
        boolean reached = upstream.everReached();
        boolean failing = upstream.failing();
        int entries = cache.size();
        boolean ready = (reached || !waitForUpstream) && (!failing || entries > 0);
        return HealthCheckResponse.named("imds")
                .status(ready)
                .withData("reached", reached)
                .withData("failing", failing)
                .withData("entries", entries)
                .build();
    }
}
