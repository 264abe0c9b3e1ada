package io.github.ec2metadata.proxycache.routes;

import io.github.ec2metadata.proxycache.access.AccessRules;
import io.github.ec2metadata.proxycache.cache.CacheKey;
import io.github.ec2metadata.proxycache.cache.Delivery;
import io.github.ec2metadata.proxycache.cache.MetadataAnswer;
import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.cache.Outcome;
import io.github.ec2metadata.proxycache.cache.Served;
import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.metrics.ProxyMetrics;
import io.github.ec2metadata.proxycache.routes.RequestAdmission.Refusal;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.github.ec2metadata.proxycache.token.SessionTokens;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.vertx.core.Future;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * Where every request on the IMDS port enters and leaves. The pipeline, in order:
 *
 * <pre>
 *   client         peer address inside imds.clients.allow, when set          → 403
 *   admission      method, target form, dot segments, control characters,
 *                  HTTP version, body framing and size                       → 400 / 405 / 413
 *   path           not refused by imds.paths.deny (reads only)               → 403
 *   token PUT      answered here from {@link SessionTokens}; never cached, never upstream
 *   session token  present: must be one this proxy issued and unexpired    → 401
 *                  absent: allowed unless tokens are required (mirror mode) → 401
 *   cache          {@link MetadataCache#read}: fresh hit, or one upstream fetch per key
 *   answer         IMDS's status, body and headers, plus cache status and Age
 * </pre>
 *
 * <p>Every refusal is a one-line text body. Requests that Vert.x Web fails before this route
 * (no {@code Host} on HTTP/1.1, a target such as {@code *} or {@code host:port}) get the same
 * through {@link #answerFailure}. Note: two layers answer before any route, with an empty
 * body. Netty's decoder refuses what it cannot parse (a bad request line or header, a line or
 * headers past the configured limits, a conflicting {@code Content-Length}) with 400, 414 or
 * 431 and closes the connection, or only closes it when chunks break after the head; Quarkus
 * refuses a target that is not a valid URI (raw control characters, {@code host:port}) with
 * 400. Quarkus exposes neither the Vert.x server's {@code invalidRequestHandler} nor a hook
 * into its URI check that could give them a body.
 */
@ApplicationScoped
public class MetadataRoutes {

    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private static final Logger LOG = Logger.getLogger(MetadataRoutes.class);

    private static final CharSequence TOKEN_HEADER_NAME = HttpHeaders.createOptimized(TOKEN_HEADER);
    private static final CharSequence SERVER = HttpHeaders.createOptimized("Server");
    private static final CharSequence AGE = HttpHeaders.createOptimized("Age");
    private static final CharSequence TTL_HEADER =
            HttpHeaders.createOptimized(TokenRoute.TTL_HEADER);
    /** The cache status values and the commonest ages, encoded once rather than per answer. */
    private static final CharSequence[] OUTCOMES = Arrays.stream(Outcome.values())
            .map(outcome -> HttpHeaders.createOptimized(outcome.name()))
            .toArray(CharSequence[]::new);
    private static final CharSequence[] AGES = IntStream.range(0, 600)
            .mapToObj(age -> HttpHeaders.createOptimized(Integer.toString(age)))
            .toArray(CharSequence[]::new);
    private static final CharSequence TEXT_PLAIN =
            HttpHeaders.createOptimized("text/plain; charset=utf-8");

    private static final Refusal CLIENT_NOT_ALLOWED =
            new Refusal(403, "this client address is not allowed to read metadata here");
    private static final Refusal PATH_DENIED =
            new Refusal(403, "this metadata path is not served here");

    private final MetadataCache cache;
    private final AccessRules access;
    private final SessionTokens tokens;
    private final TokenRequirement requirement;
    private final ProxyClock clock;
    private final ProxyMetrics metrics;
    private final CharSequence cacheStatusHeader;

    MetadataRoutes(MetadataCache cache, AccessRules access, SessionTokens tokens,
            TokenRequirement requirement, ProxyClock clock, ProxyMetrics metrics,
            ProxyConfig config) {
        this.cache = cache;
        this.access = access;
        this.metrics = metrics;
        this.tokens = tokens;
        this.requirement = requirement;
        this.clock = clock;
        this.cacheStatusHeader = HttpHeaders.createOptimized(config.answers().cacheStatusHeader());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1000).handler(this::handle);
        // Before Quarkus's own failure handler, which answers with an empty or JSON body.
        router.route().order(Integer.MIN_VALUE + 1000).failureHandler(this::answerFailure);
    }

    void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        String target = request.uri();
        Refusal refusal = admission(request, target);
        if (refusal != null) {
            metrics.refused(refusalReason(refusal.status()));
            refuse(request, refusal.status(), refusal.reason());
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

    /** The metrics tag of a refusal: by method, access rule, body size, or the request itself. */
    private static String refusalReason(int status) {
        return switch (status) {
            case 405 -> "method";
            case 403 -> "access";
            case 413 -> "body";
            default -> "request";
        };
    }

    /** The first reason to refuse the request, in pipeline order; null when it may proceed. */
    private Refusal admission(HttpServerRequest request, String target) {
        if (!access.allowsClient(request.connection().remoteAddress())) {
            return CLIENT_NOT_ALLOWED;
        }
        Refusal refusal = RequestAdmission.check(request.method(), target);
        if (refusal == null) {
            refusal = RequestAdmission.checkFraming(request.method(), request.version(),
                    request.headers());
        }
        if (refusal == null && request.method() != HttpMethod.PUT && access.deniesPath(target)) {
            refusal = PATH_DENIED;
        }
        return refusal;
    }

    /**
     * Answers a request Vert.x Web failed before {@link #handle} (or that {@link #handle} threw
     * on) with a one-line reason instead of an empty or JSON body.
     */
    void answerFailure(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.response().ended()) {
            return;
        }
        Refusal refusal = RequestAdmission.check(request.method(), request.uri());
        if (refusal != null) {
            refuse(request, refusal.status(), refusal.reason());
        } else if (context.statusCode() >= 400 && context.statusCode() < 500) {
            refuse(request, context.statusCode(), request.headers().contains(HttpHeaders.HOST)
                    ? "the request is malformed" : "an HTTP/1.1 request needs a Host header");
        } else {
            LOG.error("Failed to answer a metadata request", context.failure());
            refuse(request, 500, "the proxy failed to answer");
        }
    }

    /** How the read arrived, or null when it was refused for its session token. */
    private Delivery delivery(HttpServerRequest request) {
        MultiMap headers = request.headers();
        if (!headers.contains(TOKEN_HEADER_NAME)) {
            if (requirement.tokenlessAllowed()) {
                return Delivery.TOKENLESS;
            }
            metrics.tokenRefused("missing_token");
            refuse(request, 401, "a session token is required");
            return null;
        }
        List<String> presented = headers.getAll(TOKEN_HEADER_NAME);
        if (presented.size() > 1) {
            metrics.tokenRefused("duplicate_token");
            refuse(request, 400, "more than one session token was sent");
            return null;
        }
        if (!tokens.isValid(presented.get(0))) {
            metrics.tokenRefused("invalid_token");
            refuse(request, 401, "the session token is unknown or expired");
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
            if (received[0] > RequestAdmission.MAX_BODY_BYTES && !request.response().ended()) {
                refuse(request, RequestAdmission.BODY_TOO_LARGE.status(),
                        RequestAdmission.BODY_TOO_LARGE.reason());
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
            LOG.error("Failed to read a metadata answer", failure);
            writeRefusal(response, 500, "the proxy failed to answer");
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
        headers.set(cacheStatusHeader, OUTCOMES[served.outcome().ordinal()]);
        long ageSeconds = Math.max(0, (clock.nanoTime() - answer.receivedNanos()) / 1_000_000_000L);
        headers.set(AGE, ageSeconds < AGES.length ? AGES[(int) ageSeconds]
                : Long.toString(ageSeconds));
        if (head) {
            // Vert.x writes no body for HEAD and leaves the length out; IMDS sends it.
            headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(answer.body().length()));
        }
        response.end(answer.body());
    }

    /**
     * Writes a one-line refusal. A body the request announced is never read: the connection is
     * closed once the answer is out, rather than left to drain whatever the client sends.
     */
    private static void refuse(HttpServerRequest request, int status, String reason) {
        LOG.debugf("refused with %d: %s", status, reason);
        HttpServerResponse response = request.response();
        boolean unreadBody = !request.isEnded()
                && RequestAdmission.announcesBody(request.headers());
        if (unreadBody) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        writeRefusal(response, status, reason).onComplete(written -> {
            if (unreadBody) {
                request.connection().close();
            }
        });
    }

    private static Future<Void> writeRefusal(HttpServerResponse response,
            int status, String reason) {
        response.setStatusCode(status);
        response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
        return response.end(Buffer.buffer(reason + "\n"));
    }
}
