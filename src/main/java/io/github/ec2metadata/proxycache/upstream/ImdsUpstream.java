package io.github.ec2metadata.proxycache.upstream;

import io.github.ec2metadata.proxycache.cache.CacheKey;
import io.github.ec2metadata.proxycache.cache.Delivery;
import io.github.ec2metadata.proxycache.cache.MetadataAnswer;
import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.health.UpstreamHealth;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics.UpstreamCause;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.netty.util.AsciiString;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

/**
 * The one way to IMDS: bounds the connections, fetches with the proxy's own session token for
 * tokened reads, retries transient failures with backoff inside the answer deadline, and turns
 * every way of failing into an {@link UpstreamFailure}.
 */
@ApplicationScoped
public class ImdsUpstream {

    private static final Logger LOG = Logger.getLogger(ImdsUpstream.class);

    private final ImdsRestClient client;
    private final String baseUrl;
    private final ConnectionGate gate;
    private final ProxyConfig.Upstream config;
    private final ProxyClock clock;
    private final UpstreamSessionToken ownToken;
    private final TokenlessRefusalListener tokenlessRefusals;
    private CompletableFuture<Optional<String>> tokenRequest;

    private final UpstreamHealth health;
    private final ProxyMetrics metrics;

    ImdsUpstream(ProxyConfig config, ProxyClock clock,
            TokenlessRefusalListener tokenlessRefusals, UpstreamHealth health,
            ProxyMetrics metrics) {
        this.health = health;
        this.metrics = metrics;
        this.config = config.upstream();
        this.clock = clock;
        this.ownToken = new UpstreamSessionToken(this.config.tokenTtl());
        this.tokenlessRefusals = tokenlessRefusals;
        this.baseUrl = origin(this.config.url());
        this.gate = new ConnectionGate(this.config.maxConnections(), this.config.maxWaiting());
        this.client = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl))
                .connectTimeout(this.config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(this.config.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .disableDefaultMapper(true)
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE,
                        this.config.maxConnections())
                .build(ImdsRestClient.class);
    }

    /**
     * Reads one metadata path as the key says: tokenless, or with the proxy's session token.
     * Emits IMDS's answer, whatever its status, or fails with {@link UpstreamFailure}. Once a
     * connection is free the read has {@code imds.upstream.deadline} for its attempts; a caller
     * that cannot wait that long stops waiting, and the read still completes for the cache.
     */
    public Uni<MetadataAnswer> read(CacheKey key, UpstreamCause cause) {
        Uni<MetadataAnswer> read = key.delivery() == Delivery.TOKENED
                ? readTokened(key.target(), cause)
                : readTokenless(key.target(), cause);
        return read
                .invoke(answer -> health.answered(answer.status()))
                .onFailure().invoke(health::failed);
    }

    /** Upstream requests waiting for a connection. */
    public int waitingCount() {
        return gate.waitingCount();
    }

    private Uni<MetadataAnswer> readTokenless(String target, UpstreamCause cause) {
        return withRetries(target, null, cause)
                .invoke(answer -> {
                    if (answer.status() == 401) {
                        tokenlessRefusals.tokenlessReadRefused();
                    }
                });
    }

    private Uni<MetadataAnswer> readTokened(String target, UpstreamCause cause) {
        return sessionToken().flatMap(token -> withRetries(target, token.orElse(null), cause)
                .flatMap(answer -> {
                    if (answer.status() != 401 || token.isEmpty()) {
                        return Uni.createFrom().item(answer);
                    }
                    LOG.info("IMDS refused the proxy's session token; asking for a new one");
                    ownToken.discard(token.get());
                    return sessionToken().flatMap(
                            renewed -> withRetries(target, renewed.orElse(null), cause));
                }));
    }

    /**
     * One connection for the read and its retries: tries again on 429, 5xx, timeouts and resets
     * while another attempt still fits the deadline.
     */
    private Uni<MetadataAnswer> withRetries(String target, String token, UpstreamCause cause) {
        return gate.submit(() -> retrying(() -> readOnce(target, token, cause),
                MetadataAnswer::status, 0, System.nanoTime() + config.deadline().toNanos()));
    }

    /**
     * Tries again on 429, 5xx, timeouts and resets, only while the next attempt, even if it
     * times out, ends by the deadline: the caller then gets IMDS's last word rather than the
     * proxy's own timeout.
     */
    private <T> Uni<T> retrying(Supplier<Uni<T>> once, ToIntFunction<T> status, int retry,
            long deadlineNanos) {
        return once.get().onItemOrFailure().transformToUni((answer, failure) -> {
            boolean worthRetrying = failure != null
                    ? UpstreamFailures.isTransient(failure)
                    : UpstreamFailure.isTransientStatus(status.applyAsInt(answer));
            Duration pause = backoff(retry);
            long nextAttemptEnds = System.nanoTime() + pause.toNanos()
                    + config.attemptTimeout().toNanos();
            if (!worthRetrying || nextAttemptEnds - deadlineNanos > 0) {
                return failure != null
                        ? Uni.createFrom().failure(failure)
                        : Uni.createFrom().item(answer);
            }
            LOG.debugf("retrying an upstream request in %d ms", pause.toMillis());
            metrics.retried();
            return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                    .flatMap(ignored -> retrying(once, status, retry + 1, deadlineNanos));
        });
    }

    private Uni<MetadataAnswer> readOnce(String target, String token, UpstreamCause cause) {
        return measured(cause, client.read(baseUrl + target, token)
                .ifNoItem().after(config.attemptTimeout())
                .failWith(() -> new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                        "no answer within " + config.attemptTimeout().toMillis() + " ms"))
                .map(this::toAnswer)
                .onFailure(e -> !(e instanceof UpstreamFailure))
                .transform(UpstreamFailures::classify), MetadataAnswer::status);
    }

    /** Records one upstream request's cause, result and latency when it ends. */
    private <T> Uni<T> measured(UpstreamCause cause, Uni<T> request,
            ToIntFunction<T> status) {
        return Uni.createFrom().deferred(() -> {
            long started = System.nanoTime();
            return request
                    .invoke(answer -> metrics.upstream(cause,
                            ProxyMetrics.statusClass(status.applyAsInt(answer)),
                            System.nanoTime() - started))
                    .onFailure().invoke(failure -> metrics.upstream(cause,
                            UpstreamFailures.classify(failure).kind().tag(),
                            System.nanoTime() - started));
        });
    }

    /**
     * The session token for a tokened read: the one held, or a new one (one request for all
     * readers waiting on it), or none while IMDS refuses to issue tokens. A held token past half
     * its life is still used while its successor is fetched in the background.
     */
    Uni<Optional<String>> sessionToken() {
        long now = clock.nanoTime();
        String held = ownToken.usable(now);
        if (held != null) {
            if (ownToken.renewalDue(now)) {
                requestSessionToken();
            }
            return Uni.createFrom().item(Optional.of(held));
        }
        if (ownToken.fallingBack(now)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return Uni.createFrom().completionStage(requestSessionToken());
    }

    /** Seconds until the proxy's own session token ends, or -1 when none is held. */
    public double sessionTokenSecondsLeft() {
        long nanos = ownToken.remainingNanos(clock.nanoTime());
        return nanos < 0 ? -1 : nanos / 1e9;
    }

    private synchronized CompletableFuture<Optional<String>> requestSessionToken() {
        if (tokenRequest != null) {
            return tokenRequest;
        }
        CompletableFuture<Optional<String>> request = new CompletableFuture<>();
        tokenRequest = request;
        gate.submit(() -> retrying(this::createSessionTokenOnce, Response::getStatus, 0,
                        System.nanoTime() + config.deadline().toNanos()))
                .map(this::acceptSessionToken)
                .subscribe().with(token -> finishTokenRequest(request, token, null),
                        failure -> finishTokenRequest(request, null, failure));
        return request;
    }

    private Uni<Response> createSessionTokenOnce() {
        return measured(UpstreamCause.TOKEN, client.createSessionToken(ownToken.ttlSeconds())
                .ifNoItem().after(config.attemptTimeout())
                .failWith(() -> new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                        "no session token within " + config.attemptTimeout().toMillis() + " ms"))
                .onFailure(e -> !(e instanceof UpstreamFailure))
                .transform(UpstreamFailures::classify), Response::getStatus);
    }

    private Optional<String> acceptSessionToken(Response response) {
        long now = clock.nanoTime();
        int status = response.getStatus();
        if (status == 200 && response.hasEntity()) {
            String token = response.readEntity(String.class).strip();
            ownToken.accepted(token, now);
            return Optional.of(token);
        }
        if (status == 403 || status == 404 || status == 405) {
            ownToken.refused(status, now);
            return Optional.empty();
        }
        throw new UpstreamFailure(UpstreamFailure.Kind.UNREACHABLE,
                "IMDS answered " + status + " to the session token request");
    }

    private void finishTokenRequest(CompletableFuture<Optional<String>> request,
            Optional<String> token, Throwable failure) {
        synchronized (this) {
            tokenRequest = null;
        }
        if (failure != null) {
            request.completeExceptionally(failure);
        } else {
            request.complete(token);
        }
    }

    /** Exponential backoff with full jitter: a random pause up to base times 2^retry. */
    private Duration backoff(int retry) {
        long ceiling = config.retryBackoff().toNanos() << Math.min(retry, 10);
        long pause = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Duration.ofNanos(pause);
    }

    private MetadataAnswer toAnswer(Response response) {
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        if (body.length > config.maxBodyBytes()) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNREACHABLE, "body of " + body.length
                    + " bytes exceeds imds.upstream.max-body-bytes");
        }
        return new MetadataAnswer(response.getStatus(), Buffer.buffer(body),
                headerValue(response, HttpHeaders.CONTENT_TYPE),
                headerValue(response, HttpHeaders.LAST_MODIFIED),
                headerValue(response, "Server"),
                clock.nanoTime());
    }

    private static CharSequence headerValue(Response response, String name) {
        String value = response.getHeaderString(name);
        return value == null ? null : AsciiString.of(value);
    }

    private static String origin(URI url) {
        int port = url.getPort();
        return url.getScheme() + "://" + url.getHost() + (port < 0 ? "" : ":" + port);
    }
}
