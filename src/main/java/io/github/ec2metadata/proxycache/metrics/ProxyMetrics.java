package io.github.ec2metadata.proxycache.metrics;

import io.github.ec2metadata.proxycache.cache.Outcome;
import io.github.ec2metadata.proxycache.cache.PathClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The counters and timers the proxy records as requests pass, named after Micrometer's
 * conventions. Client request counters are made once up front, so that counting a cache hit
 * costs no registry lookup.
 */
@ApplicationScoped
public class ProxyMetrics {

    /** Why an upstream request was made. */
    public enum UpstreamCause {
        MISS, REFRESH, TOKEN, PROBE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Counter[][] served;
    private final Counter retries;
    private final Counter tokensIssued;

    ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.served = new Counter[Outcome.values().length][PathClass.values().length];
        for (Outcome outcome : Outcome.values()) {
            for (PathClass pathClass : PathClass.values()) {
                served[outcome.ordinal()][pathClass.ordinal()] = Counter
                        .builder("imds.proxy.requests")
                        .description("Client reads answered, by cache outcome and kind of path")
                        .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .tag("path.class", pathClass.tag())
                        .register(registry);
            }
        }
        this.retries = Counter.builder("imds.upstream.retries")
                .description("Upstream attempts repeated after a transient failure")
                .register(registry);
        this.tokensIssued = Counter.builder("imds.tokens.issued")
                .description("Session tokens handed to clients").register(registry);
    }

    public void served(Outcome outcome, PathClass pathClass) {
        served[outcome.ordinal()][pathClass.ordinal()].increment();
    }

    /** A client request refused before the cache, for the given reason. */
    public void refused(String reason) {
        Counter.builder("imds.proxy.refused")
                .description("Client requests refused on arrival, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * One upstream request and how it ended: a status class such as {@code 2xx}, or the kind of
     * failure ({@code timeout}, {@code unreachable}).
     */
    public void upstream(UpstreamCause cause, String result, long nanos) {
        Timer.builder("imds.upstream.requests")
                .description("Requests sent to IMDS, by cause and result, with their latency")
                .tag("cause", cause.tag())
                .tag("status", result)
                .publishPercentileHistogram()
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void retried() {
        retries.increment();
    }

    public void tokenIssued() {
        tokensIssued.increment();
    }

    /** A token PUT or a tokened read refused, for the given reason. */
    public void tokenRefused(String reason) {
        Counter.builder("imds.tokens.refused")
                .description("Token requests and session tokens refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** The status class of an HTTP status: {@code 2xx} for 200. */
    public static String statusClass(int status) {
        return (status / 100) + "xx";
    }
}
