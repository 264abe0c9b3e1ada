package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A client for the emulator's {@code /emulator/} control API, usable from any process. */
public final class EmulatorControl {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    /** @param baseUrl the emulator's base URL, for example {@code http://127.0.0.1:1338} */
    public EmulatorControl(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1)
                : baseUrl;
    }

    /** Counters to zero, faults off, tokens optional, fresh credentials, no spot notice. */
    public EmulatorControl reset() {
        post("reset", "");
        return this;
    }

    /** Moves the clock by which credentials age and rotate forward by whole seconds. */
    public EmulatorControl advanceClock(Duration by) {
        post("advance-clock?seconds=" + by.toSeconds(), "");
        return this;
    }

    /** The session tokens this emulator has issued and not forgotten. */
    public List<String> issuedTokens() {
        String listed = get("issued-tokens");
        return listed.isEmpty() ? List.of() : List.of(listed.split("\n"));
    }

    /** Zeroes the request counters only; settings, credentials and issued tokens stay. */
    public EmulatorControl resetCounters() {
        post("reset-counters", "");
        return this;
    }

    /**
     * Applies any subset of the settings, all or nothing: requireTokens, tokenPutStatus,
     * latencyMillis, throttleAbovePerSecond, resetConnections, failWithStatus, bodyFault,
     * oversizedBodyBytes, credentialLifetimeSeconds. Values are JSON values (booleans, numbers,
     * strings).
     */
    public EmulatorControl configure(Map<String, ?> settings) {
        post("config", new JsonObject(new HashMap<>(settings)).encode());
        return this;
    }

    public EmulatorControl requireTokens(boolean required) {
        return configure(Map.of("requireTokens", required));
    }

    /** 0 answers token PUTs normally; 403, 404 or 405 refuses them, forcing IMDSv1. */
    public EmulatorControl tokenPutStatus(int status) {
        return configure(Map.of("tokenPutStatus", status));
    }

    public EmulatorControl latency(Duration latency) {
        return configure(Map.of("latencyMillis", latency.toMillis()));
    }

    /** 0 turns throttling off; otherwise requests above this many per second get 429. */
    public EmulatorControl throttleAbovePerSecond(int limit) {
        return configure(Map.of("throttleAbovePerSecond", limit));
    }

    public EmulatorControl resetConnections(boolean reset) {
        return configure(Map.of("resetConnections", reset));
    }

    /** 0 turns it off; otherwise every IMDS read (GET, HEAD) is answered with this status. */
    public EmulatorControl failWithStatus(int status) {
        return configure(Map.of("failWithStatus", status));
    }

    /**
     * {@code none}, {@code truncate}, {@code drip} or {@code overstated} (a Content-Length
     * larger than the body, the connection left open); applies to GET answers.
     */
    public EmulatorControl bodyFault(String fault) {
        return configure(Map.of("bodyFault", fault));
    }

    /** 0 turns it off; otherwise every GET answer carries a body of this many bytes. */
    public EmulatorControl oversizedBodyBytes(int bytes) {
        return configure(Map.of("oversizedBodyBytes", bytes));
    }

    /** Applies to credentials issued later; call {@link #rotateCredentials()} to apply now. */
    public EmulatorControl credentialLifetime(Duration lifetime) {
        return configure(Map.of("credentialLifetimeSeconds", lifetime.toSeconds()));
    }

    public EmulatorControl rotateCredentials() {
        post("rotate-credentials", "");
        return this;
    }

    public EmulatorControl triggerSpotNotice() {
        post("spot-notice", "");
        return this;
    }

    /** IMDS requests seen with this method and raw target, with or without a token. */
    public long count(String method, String pathAndQuery) {
        return countWhere(method, pathAndQuery, "any");
    }

    public long count(String method, String pathAndQuery, boolean withToken) {
        return countWhere(method, pathAndQuery, withToken ? "with" : "without");
    }

    /** Every IMDS request seen since the last reset. */
    public long total() {
        return Long.parseLong(get("count").trim());
    }

    /** The {@code GET /emulator/requests} document as JSON text. */
    public String requests() {
        return get("requests");
    }

    /** The role credential JSON a v2 (with token) or v1 read would get now. */
    public String credentials(boolean withToken) {
        return get("credentials?token=" + (withToken ? "with" : "without"));
    }

    public String instanceId() {
        return get("instance-id");
    }

    private long countWhere(String method, String pathAndQuery, String token) {
        return Long.parseLong(get("count?method=" + encode(method)
                + "&path=" + encode(pathAndQuery) + "&token=" + token).trim());
    }

    private String get(String endpoint) {
        return send(request(endpoint).GET().build());
    }

    private void post(String endpoint, String json) {
        send(request(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private HttpRequest.Builder request(String endpoint) {
        return HttpRequest.newBuilder(URI.create(baseUrl + ControlApi.PREFIX + endpoint))
                .timeout(TIMEOUT);
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("emulator control " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("emulator control " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling emulator control", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
