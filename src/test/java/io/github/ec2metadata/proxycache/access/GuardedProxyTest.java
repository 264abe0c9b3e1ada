package io.github.ec2metadata.proxycache.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.Http;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A proxy with access rules and a short idle timeout, all in one profile because each profile
 * costs an application start: refused clients and paths get 403 before the cache or IMDS.
 * Clients connect from 127.0.0.1 (allowed) or bind 127.0.0.2 (also loopback, not allowed).
 */
@QuarkusTest
@TestProfile(GuardedProxyTest.Guarded.class)
class GuardedProxyTest extends ProxyTestBase {

    private static final String READ = "GET /latest/meta-data/instance-id HTTP/1.1\r\n"
            + "Host: 169.254.169.254\r\n\r\n";

    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "imds.paths.deny", "user-data,meta-data/tags/**",
                    "imds.clients.allow", "127.0.0.1/32,::1/128",
                    "quarkus.http.idle-timeout", "2s");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/latest/user-data", "/latest/user-data/", "/2021-07-15/user-data",
        "/latest/%75ser-data", "/latest//USER-DATA", "/latest/user-data?x=1",
        "/latest/meta-data/tags/instance/Name", "/latest/meta-data/tags/"})
    void deniedPathIsRefusedWith403AndNeverFetched(String target) {
        String token = proxy.token(60);

        HttpResponse<byte[]> tokenless = proxy.get(target);
        HttpResponse<byte[]> tokened = proxy.get(target, Http.TOKEN, token);
        HttpResponse<byte[]> head = proxy.head(target);

        assertOneLine403(tokenless);
        assertOneLine403(tokened);
        assertEquals(403, head.statusCode());
        assertEquals(0, emulator.total());
    }

    @Test
    void pathsNoPatternDeniesAreServed() {
        HttpResponse<byte[]> served = proxy.get("/latest/meta-data/instance-id");

        assertEquals(200, served.statusCode());
        assertEquals(emulator.instanceId(), Http.text(served));
        assertEquals(1, emulator.count("GET", "/latest/meta-data/instance-id"));
    }

    @Test
    void clientOutsideTheAllowedRangesIsRefusedWith403() throws Exception {
        InetAddress outside = InetAddress.getByName("127.0.0.2");

        RawHttp.Answer read = RawHttp.send(proxyUrl, outside, RawHttp.bytes(READ), 1).first();
        RawHttp.Answer token = RawHttp.send(proxyUrl, outside, RawHttp.bytes(
                "PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\n"
                + "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n"), 1).first();

        assertEquals(403, read.status(), read.toString());
        assertEquals("this client address is not allowed to read metadata here\n", read.text());
        assertEquals(403, token.status(), token.toString());
        assertEquals(0, emulator.total());
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }

    /** The address is the connection's peer; a header cannot claim another. */
    @Test
    void aForwardedForHeaderDoesNotMakeAClientAllowed() throws Exception {
        String claimingLoopback = READ.replace("\r\n\r\n",
                "\r\nX-Forwarded-For: 127.0.0.1\r\nForwarded: for=127.0.0.1\r\n\r\n");

        RawHttp.Answer read = RawHttp.send(proxyUrl, InetAddress.getByName("127.0.0.2"),
                RawHttp.bytes(claimingLoopback), 1).first();

        assertEquals(403, read.status(), read.toString());
        assertEquals(0, emulator.total());
    }

    @Test
    void tokenPutIsNeverRefusedForItsPath() {
        assertEquals(200, proxy.put("/latest/api/token", Http.TOKEN_TTL, "60").statusCode());
    }

    /**
     * A client that sends part of a request head and then nothing is cut off after the idle
     * timeout (2 s in this profile, 60 s by default).
     */
    @Test
    void aSilentHalfSentRequestIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = new Socket(proxyUrl.getHost(), proxyUrl.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /latest/meta-data/ HTTP/1.1\r\nHost: 169"
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();

            int read = readUntilClosed(socket.getInputStream());
            long closedAfterMillis = (System.nanoTime() - started) / 1_000_000;

            assertEquals(-1, read, "the server sent something instead of closing");
            assertTrue(closedAfterMillis >= 1500 && closedAfterMillis < 6000,
                    "closed after " + closedAfterMillis + " ms");
        }
        assertEquals(0, emulator.total());
    }

    private static int readUntilClosed(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException stillOpen) {
            return 0;
        } catch (IOException reset) {
            return -1;
        }
    }

    private static void assertOneLine403(HttpResponse<byte[]> answer) {
        assertEquals(403, answer.statusCode());
        assertEquals("this metadata path is not served here\n", Http.text(answer));
    }
}
