package io.github.ec2metadata.proxycache.routes;

import io.github.ec2metadata.proxycache.cache.CacheKey;
import io.github.ec2metadata.proxycache.cache.Delivery;
import io.github.ec2metadata.proxycache.cache.MetadataAnswer;
import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.cache.Served;
import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.github.ec2metadata.proxycache.token.SessionTokens;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Where every request on the IMDS port enters and leaves. The pipeline, in order:
 *
 * <pre>
 *   admission      method, target form, dot segments, control characters   → 400 / 405
 *   token PUT      answered here from {@link SessionTokens}; never cached, never upstream
 *   session token  present: must be one this proxy issued and unexpired    → 401
 *                  absent: allowed unless tokens are required (mirror mode) → 401
 *   cache          {@link MetadataCache#read}: fresh hit, or one upstream fetch per key
 *   answer         IMDS's status, body and headers, plus cache status and Age
 * </pre>
 */
@ApplicationScoped
public class MetadataRoutes {

    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    /** Largest body accepted on a token PUT; IMDS clients send none. */
    static final int MAX_TOKEN_PUT_BODY = 4096;

    private static final CharSequence TOKEN_HEADER_NAME = HttpHeaders.createOptimized(TOKEN_HEADER);
    private static final CharSequence SERVER = HttpHeaders.createOptimized("Server");
    private static final CharSequence AGE = HttpHeaders.createOptimized("Age");
    private static final CharSequence TTL_HEADER =
            HttpHeaders.createOptimized(TokenRoute.TTL_HEADER);
    private static final CharSequence TEXT_PLAIN =
            HttpHeaders.createOptimized("text/plain; charset=utf-8");

    private final MetadataCache cache;
    private final SessionTokens tokens;
    private final TokenRequirement requirement;
    private final ProxyClock clock;
    private final ProxyMetrics metrics;
    private final CharSequence cacheStatusHeader;

    MetadataRoutes(MetadataCache cache, SessionTokens tokens, TokenRequirement requirement,
            ProxyClock clock, ProxyMetrics metrics, ProxyConfig config) {
        this.cache = cache;
        this.metrics = metrics;
        this.tokens = tokens;
        this.requirement = requirement;
        this.clock = clock;
        this.cacheStatusHeader = HttpHeaders.createOptimized(config.answers().cacheStatusHeader());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1000).handler(this::handle);
    }

    void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String target = request.uri();
        RequestAdmission.Refusal refusal = RequestAdmission.check(request.method(), target);
        if (refusal != null) {
            metrics.refused(refusal.status() == 405 ? "method" : "target");
            refuse(request.response(), refusal.status(), refusal.reason());
            return;
        }
        if (request.method() == HttpMethod.PUT) {
            answerTokenRequest(request, target);
            return;
        }
        Delivery delivery = delivery(request);
        if (delivery == null) {
            return;
        }
        boolean head = request.method() == HttpMethod.HEAD;
        CacheKey key = new CacheKey(delivery, target);
        Served hit = cache.freshHit(key);
        if (hit != null) {
            write(request.response(), hit, null, head);
            return;
        }
        cache.read(key).whenComplete(
                (served, failure) -> write(request.response(), served, failure, head));
    }

    /** How the read arrived, or null when it was refused for its session token. */
    private Delivery delivery(HttpServerRequest request) {
        MultiMap headers = request.headers();
        if (!headers.contains(TOKEN_HEADER_NAME)) {
            if (requirement.tokenlessAllowed()) {
                return Delivery.TOKENLESS;
            }
            metrics.tokenRefused("missing_token");
            refuse(request.response(), 401, "a session token is required");
            return null;
        }
        List<String> presented = headers.getAll(TOKEN_HEADER_NAME);
        if (presented.size() > 1) {
            metrics.tokenRefused("duplicate_token");
            refuse(request.response(), 400, "more than one session token was sent");
            return null;
        }
        if (!tokens.isValid(presented.get(0))) {
            metrics.tokenRefused("invalid_token");
            refuse(request.response(), 401, "the session token is unknown or expired");
            return null;
        }
        return Delivery.TOKENED;
    }

    /** Answers once the (normally empty) body has arrived, refusing an oversized one. */
    private void answerTokenRequest(HttpServerRequest request, String target) {
        if (request.isEnded()) {
            writeTokenAnswer(request, target);
            return;
        }
        int[] received = {0};
        request.handler(chunk -> {
            received[0] += chunk.length();
            HttpServerResponse response = request.response();
            if (received[0] > MAX_TOKEN_PUT_BODY && !response.ended()) {
                response.putHeader(HttpHeaders.CONNECTION, "close");
                refuse(response, 413, "a session token request carries no body");
            }
        });
        request.endHandler(ended -> {
            if (!request.response().ended()) {
                writeTokenAnswer(request, target);
            }
        });
        request.resume();
    }

    private void writeTokenAnswer(HttpServerRequest request, String target) {
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        MultiMap headers = request.headers();
        TokenRoute.TokenAnswer answer = TokenRoute.answer(path, headers.getAll(TTL_HEADER),
                headers.contains("X-Forwarded-For"), tokens);
        if (answer.refusal() == null) {
            metrics.tokenIssued();
        } else {
            metrics.tokenRefused(answer.refusal());
        }
        HttpServerResponse response = request.response();
        response.setStatusCode(answer.status());
        response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
        if (answer.ttlSeconds() != null) {
            response.putHeader(TTL_HEADER, String.valueOf(answer.ttlSeconds()));
        }
        response.end(answer.body());
    }

    private void write(HttpServerResponse response, Served served, Throwable failure,
            boolean head) {
        if (failure != null) {
            refuse(response, 500, "the proxy failed to answer");
            return;
        }
        metrics.served(served.outcome(), served.pathClass());
        MetadataAnswer answer = served.answer();
        response.setStatusCode(answer.status());
        MultiMap headers = response.headers();
        if (answer.contentType() != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, answer.contentType());
        }
        if (answer.lastModified() != null) {
            headers.set(HttpHeaders.LAST_MODIFIED, answer.lastModified());
        }
        if (answer.server() != null) {
            headers.set(SERVER, answer.server());
        }
        headers.set(cacheStatusHeader, served.outcome().name());
        long ageSeconds = Math.max(0, (clock.nanoTime() - answer.receivedNanos()) / 1_000_000_000L);
        headers.set(AGE, Long.toString(ageSeconds));
        if (head) {
            // Vert.x writes no body for HEAD and leaves the length out; IMDS sends it.
            headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(answer.body().length()));
        }
        response.end(answer.body());
    }

    private static void refuse(HttpServerResponse response, int status, String reason) {
        response.setStatusCode(status);
        response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
        response.end(Buffer.buffer(reason + "\n"));
    }
}
