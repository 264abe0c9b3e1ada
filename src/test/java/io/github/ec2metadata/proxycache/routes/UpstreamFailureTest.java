package io.github.ec2metadata.proxycache.routes;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What IMDS failures do to answers: nothing broken is ever kept. */
@QuarkusTest
class UpstreamFailureTest extends ProxyTestBase {

    private static final String PATH = "/latest/meta-data/ami-id";
    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    @Test
    void serverErrorIsPassedOnButNotCached() {
        emulator.failWithStatus(500);

        HttpResponse<byte[]> failed = proxy.get(PATH);
        long afterFirst = emulator.count("GET", PATH);
        proxy.get(PATH);

        assertEquals(500, failed.statusCode());
        assertEquals("ERROR", header(failed, "X-Proxy-Cache"));
        assertTrue(emulator.count("GET", PATH) > afterFirst, "the second read went upstream");
        emulator.failWithStatus(0);
        HttpResponse<byte[]> healthy = proxy.get(PATH);
        assertEquals(200, healthy.statusCode());
        assertEquals("MISS", header(healthy, "X-Proxy-Cache"));
    }

    @Test
    void throttlingIsPassedOnButNotCached() {
        emulator.failWithStatus(429);

        assertEquals(429, proxy.get(PATH).statusCode());
        long afterFirst = emulator.count("GET", PATH);
        emulator.failWithStatus(0);

        assertEquals(200, proxy.get(PATH).statusCode());
        assertEquals(afterFirst + 1, emulator.count("GET", PATH));
    }

    @Test
    void resetConnectionGives502WithOneLineAndIsNotCached() {
        emulator.resetConnections(true);

        HttpResponse<byte[]> failed = proxy.get(PATH);

        assertEquals(502, failed.statusCode());
        assertEquals("ERROR", header(failed, "X-Proxy-Cache"));
        assertEquals(1, text(failed).strip().lines().count());
        long afterFirst = emulator.count("GET", PATH);
        emulator.resetConnections(false);
        assertEquals(200, proxy.get(PATH).statusCode());
        assertEquals(afterFirst + 1, emulator.count("GET", PATH));
    }

    @Test
    void timeoutGives504WithinTheDeadlineAndIsNotCached() throws InterruptedException {
        emulator.latency(Duration.ofSeconds(2));

        long started = System.nanoTime();
        HttpResponse<byte[]> failed = proxy.get(PATH);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(504, failed.statusCode());
        assertTrue(tookMillis < 2000, "answered after " + tookMillis + " ms, not by the deadline"
                + " but when IMDS answered");
        awaitFetchesFinished();
        emulator.latency(Duration.ZERO);
        HttpResponse<byte[]> healthy = proxy.get(PATH);
        assertEquals(200, healthy.statusCode());
        assertEquals("MISS", header(healthy, "X-Proxy-Cache"));
    }

    @Test
    void truncatedBodyIsAnUpstreamErrorAndIsNotCached() {
        emulator.bodyFault("truncate");

        assertEquals(502, proxy.get(PATH).statusCode());
        emulator.bodyFault("none");

        HttpResponse<byte[]> healthy = proxy.get(PATH);
        assertEquals(200, healthy.statusCode());
        assertEquals("MISS", header(healthy, "X-Proxy-Cache"));
    }

    /** The nginx image kept any answer ten minutes, a 502 from a burst included. */
    @Test
    void aFailureDuringABurstIsNeverServedOnceIMDSRecovers() {
        emulator.failWithStatus(500);
        for (int i = 0; i < 5; i++) {
            assertEquals(500, proxy.get(CREDENTIALS).statusCode());
        }
        emulator.failWithStatus(0);

        HttpResponse<byte[]> recovered = proxy.get(CREDENTIALS);

        assertEquals(200, recovered.statusCode());
        assertEquals(emulator.credentials(false), text(recovered));
    }
}
