package io.github.ec2metadata.proxycache.token;

import static io.github.ec2metadata.proxycache.support.Http.TOKEN;
import static io.github.ec2metadata.proxycache.support.Http.TOKEN_TTL;
import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token PUTs are answered by the proxy as IMDS answers them, and never reach IMDS. */
@QuarkusTest
class SessionTokenRouteTest extends ProxyTestBase {

    private static final String TOKEN_PATH = "/latest/api/token";

    @Test
    void tokenIsGrantedWithTheRequestedTtlRepeated() {
        HttpResponse<byte[]> granted = proxy.put(TOKEN_PATH, TOKEN_TTL, "21600");

        assertEquals(200, granted.statusCode());
        assertEquals("21600", header(granted, TOKEN_TTL));
        assertTrue(text(granted).length() >= 40, text(granted));
        assertEquals(0, emulator.total());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "21601", "-5", "+5", "1.5", "abc", "99999999999", "1e3", "0x10"})
    void badTtlIsRefusedWith400(String ttl) {
        HttpResponse<byte[]> refused = proxy.put(TOKEN_PATH, TOKEN_TTL, ttl);

        assertEquals(400, refused.statusCode());
        assertEquals(0, emulator.total());
    }

    @Test
    void missingTtlIsRefusedWith400() {
        assertEquals(400, proxy.put(TOKEN_PATH).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For", "x-forwarded-for", "X-FORWARDED-FOR"})
    void forwardedRequestGetsNoToken(String header) {
        HttpResponse<byte[]> refused = proxy.put(TOKEN_PATH, TOKEN_TTL, "60", header, "10.0.0.1");

        assertEquals(403, refused.statusCode());
        assertEquals(0, emulator.total());
    }

    @Test
    void datedTokenPathIsRefusedWith403() {
        assertEquals(403, proxy.put("/2021-03-23/api/token", TOKEN_TTL, "60").statusCode());
    }

    @Test
    void putWithoutContentLengthIsServed() {
        String response = RawHttp.exchange(proxyUrl, "PUT /latest/api/token HTTP/1.1\r\n"
                + "Host: 169.254.169.254\r\n" + TOKEN_TTL + ": 60\r\n\r\n");

        assertEquals(200, RawHttp.status(response), response);
    }

    /**
     * The nginx image cached the token PUT and ignored each client's TTL: a token asked for
     * 60 s was handed out for ten minutes and then failed. Here each client gets a token of
     * its own that lasts exactly what it asked for.
     */
    @Test
    void eachClientsTokenLastsTheTtlItAskedFor() {
        String shortLived = proxy.token(60);
        String longLived = proxy.token(21600);
        assertNotEquals(shortLived, longLived);

        clock.advance(Duration.ofSeconds(59));
        assertEquals(200, read(shortLived).statusCode());

        clock.advance(Duration.ofSeconds(2));
        assertEquals(401, read(shortLived).statusCode());
        assertEquals(200, read(longLived).statusCode());
    }

    @Test
    void tamperedUnknownAndDuplicatedTokensAreRefused() {
        String token = proxy.token(300);
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

        assertEquals(401, read(tampered).statusCode());
        assertEquals(401, read("AQAEAFk1oHVp9z0Bq1h5Lp3tC9u4cKZJr9Y8gQ==").statusCode());
        assertEquals(401, read("x".repeat(4000)).statusCode());
        assertEquals(400, proxy.get("/latest/meta-data/instance-id", TOKEN, token, TOKEN, token)
                .statusCode());
        assertEquals(0, emulator.count("GET", "/latest/meta-data/instance-id"));
    }

    @Test
    void aStormOfTokenRequestsNeverReachesIMDSAndKeepsNoState() throws Exception {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        ExecutorService clients = Executors.newFixedThreadPool(64);
        List<Future<Integer>> granted = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            granted.add(clients.submit(
                    () -> proxy.put(TOKEN_PATH, TOKEN_TTL, "21600").statusCode()));
        }
        for (Future<Integer> status : granted) {
            assertEquals(200, status.get());
        }
        clients.shutdown();
        System.gc();
        long grownBytes = runtime.totalMemory() - runtime.freeMemory() - usedBefore;

        assertEquals(0, emulator.total());
        assertTrue(grownBytes < 8 * 1024 * 1024, "heap grew by " + grownBytes + " bytes");
    }

    private HttpResponse<byte[]> read(String token) {
        return proxy.get("/latest/meta-data/instance-id", TOKEN, token);
    }
}
