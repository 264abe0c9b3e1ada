package io.github.ec2metadata.proxycache.health;

import io.github.ec2metadata.proxycache.cache.MetadataCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once IMDS has been reached at least once, and from then on while the proxy can answer:
 * IMDS answers, or entries are held to serve in its place. Reports the last known state; it
 * never calls IMDS itself, so it never blocks.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private final UpstreamHealth upstream;
    private final MetadataCache cache;

    ReadinessCheck(UpstreamHealth upstream, MetadataCache cache) {
        this.upstream = upstream;
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reached = upstream.everReached();
        boolean failing = upstream.failing();
        int entries = cache.size();
        boolean ready = reached && (!failing || entries > 0);
        return HealthCheckResponse.named("imds")
                .status(ready)
                .withData("reached", reached)
                .withData("failing", failing)
                .withData("entries", entries)
                .build();
    }
}
