package io.github.ec2metadata.proxycache.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.emulator.ImdsEmulator;
import io.github.ec2metadata.proxycache.support.Http;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A proxy started while IMDS cannot be reached: it answers at once with an error, is alive but
 * not ready, and becomes ready by itself (no client needed) when IMDS appears.
 */
@QuarkusTest
@TestProfile(ColdStartWithoutIMDSTest.NothingListening.class)
class ColdStartWithoutIMDSTest {

    /** A port with nothing listening on it, where IMDS will appear during the test. */
    static final int IMDS_PORT = freePort();

    public static class NothingListening implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imds.upstream.url", "http://127.0.0.1:" + IMDS_PORT);
        }
    }

    @TestHTTPResource("/")
    URL proxyUrl;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "health/live", management = true)
    URL liveness;

    @ConfigProperty(name = "imds.upstream.url")
    String upstreamUrl;

    @Test
    void answersAtOnceStaysAliveAndRecoversWhenIMDSAppears() throws Exception {
        assertEquals("http://127.0.0.1:" + IMDS_PORT, upstreamUrl);
        Http proxy = new Http(proxyUrl.toString());

        long started = System.nanoTime();
        HttpResponse<byte[]> refused = proxy.get("/latest/meta-data/instance-id");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(502, refused.statusCode());
        assertTrue(tookMillis < 1000, "took " + tookMillis + " ms");
        assertEquals(503, status(readiness));
        assertEquals(200, status(liveness));

        try (ImdsEmulator imds = ImdsEmulator.start(IMDS_PORT)) {
            long giveUp = System.nanoTime() + 15_000_000_000L;
            while (status(readiness) != 200) {
                assertTrue(System.nanoTime() - giveUp < 0,
                        "not ready, with no client asking, 15 s after IMDS appeared");
                Thread.sleep(200);
            }
            HttpResponse<byte[]> recovered = proxy.get("/latest/meta-data/instance-id");

            assertEquals(200, recovered.statusCode());
        }
    }

    private static int status(URL url) {
        return new Http(url.toString()).get("").statusCode();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
