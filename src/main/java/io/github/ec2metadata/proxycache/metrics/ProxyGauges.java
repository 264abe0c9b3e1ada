package io.github.ec2metadata.proxycache.metrics;

import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.github.ec2metadata.proxycache.upstream.ImdsUpstream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * The gauges of the proxy's state, read when scraped: cache size, waiting readers and queued
 * upstream requests, time left on credentials and on the proxy's own token, and the token mode.
 */
@ApplicationScoped
public class ProxyGauges {

    void register(@Observes StartupEvent event, MeterRegistry registry, MetadataCache cache,
            ImdsUpstream upstream, TokenRequirement requirement) {
        Gauge.builder("imds.cache.entries", cache, MetadataCache::size)
                .description("Answers held in the cache").register(registry);
        Gauge.builder("imds.cache.coalesced.readers", cache, MetadataCache::readersWaiting)
                .description("Client reads waiting on an upstream fetch").register(registry);
        Gauge.builder("imds.upstream.queue.depth", upstream, ImdsUpstream::waitingCount)
                .description("Upstream requests waiting for a connection").register(registry);
        Gauge.builder("imds.credentials.expiration", cache, MetadataCache::credentialsSecondsLeft)
                .description("Seconds until the soonest Expiration of the credentials held")
                .baseUnit("seconds").register(registry);
        Gauge.builder("imds.upstream.token.expiration", upstream,
                        ImdsUpstream::sessionTokenSecondsLeft)
                .description("Seconds until the proxy's own session token ends; -1 if none")
                .baseUnit("seconds").register(registry);
        Gauge.builder("imds.tokens.tokenless.allowed", requirement,
                        held -> held.tokenlessAllowed() ? 1 : 0)
                .description("1 while reads without a session token (IMDSv1) are served")
                .tag("mode", requirement.mode().name().toLowerCase(Locale.ROOT))
                .register(registry);
    }
}
