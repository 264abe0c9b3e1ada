package io.github.ec2metadata.proxycache.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP/1.1 client for tests: sends request targets exactly as written (no re-encoding)
 * and gives back status, headers and body bytes.
 */
public final class Http {

    public static final String TOKEN = "X-aws-ec2-metadata-token";
    public static final String TOKEN_TTL = "X-aws-ec2-metadata-token-ttl-seconds";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;

    public Http(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public HttpResponse<byte[]> get(String target, String... headers) {
        return send(request(target, headers).GET().build());
    }

    public HttpResponse<byte[]> head(String target, String... headers) {
        return send(request(target, headers).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** Any method, without a body. */
    public HttpResponse<byte[]> send(String method, String target, String... headers) {
        return send(request(target, headers).method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    }

    public HttpResponse<byte[]> put(String target, String... headers) {
        return send(request(target, headers).PUT(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A session token for the given TTL; fails the test unless it was granted. */
    public String token(int ttlSeconds) {
        HttpResponse<byte[]> response = put("/latest/api/token", TOKEN_TTL,
                String.valueOf(ttlSeconds));
        if (response.statusCode() != 200) {
            throw new AssertionError("token PUT answered " + response.statusCode());
        }
        return new String(response.body());
    }

    public static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private HttpRequest.Builder request(String target, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + target))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
