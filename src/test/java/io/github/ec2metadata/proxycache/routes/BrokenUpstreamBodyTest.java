package io.github.ec2metadata.proxycache.routes;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IMDS answers whose body is broken: cut short (the connection closes before Content-Length is
 * reached), overstated (Content-Length promises more and the connection stays open), larger
 * than {@code imds.upstream.max-body-bytes}, or dripped out slower than the deadline. Each is an
 * upstream error: never cached, a stale answer served where the path's rule allows one.
 */
@QuarkusTest
class BrokenUpstreamBodyTest extends ProxyTestBase {

    /** An instance fact: fresh 6 h, may stand in 24 h more. */
    private static final String FACT = "/latest/meta-data/ami-id";
    /** An autoscaling notice: fresh 2 s, never stale. */
    private static final String NOTICE = "/latest/meta-data/autoscaling/target-lifecycle-state";
    /** One byte past the default imds.upstream.max-body-bytes. */
    private static final int OVERSIZED = 1024 * 1024 + 1;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"truncate, 502", "overstated, 504", "oversized, 502", "drip, 504"})
    void brokenBodyIsAnUpstreamErrorAndNeverCached(String fault, int status)
            throws InterruptedException {
        breakBodies(fault);

        long started = System.nanoTime();
        HttpResponse<byte[]> failed = proxy.get(FACT);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(status, failed.statusCode());
        assertEquals("ERROR", header(failed, "X-Proxy-Cache"));
        assertEquals(1, text(failed).strip().lines().count(), text(failed));
        assertTrue(tookMillis < 1500, "answered after " + tookMillis + " ms");
        awaitFetchesFinished();
        long brokenFetches = emulator.count("GET", FACT);
        mendBodies();
        HttpResponse<byte[]> healthy = proxy.get(FACT);
        assertEquals(200, healthy.statusCode());
        assertEquals("MISS", header(healthy, "X-Proxy-Cache"));
        assertEquals("ami-0abcdef1234567890", text(healthy));
        assertEquals(brokenFetches + 1, emulator.count("GET", FACT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"truncate", "overstated", "oversized", "drip"})
    void heldAnswerStandsInWhileBodiesAreBroken(String fault) throws InterruptedException {
        String held = text(proxy.get(FACT));
        clock.advance(Duration.ofHours(7));
        breakBodies(fault);

        HttpResponse<byte[]> stale = proxy.get(FACT);

        assertEquals(200, stale.statusCode());
        assertEquals("STALE", header(stale, "X-Proxy-Cache"));
        assertEquals(held, text(stale));
        awaitFetchesFinished();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"truncate, 502", "overstated, 504", "oversized, 502", "drip, 504"})
    void noStaleAnswerWhereTheRuleAllowsNone(String fault, int status)
            throws InterruptedException {
        assertEquals(200, proxy.get(NOTICE).statusCode());
        clock.advance(Duration.ofSeconds(3));
        breakBodies(fault);

        HttpResponse<byte[]> failed = proxy.get(NOTICE);

        assertEquals(status, failed.statusCode());
        assertEquals("ERROR", header(failed, "X-Proxy-Cache"));
        awaitFetchesFinished();
    }

    private void breakBodies(String fault) {
        if (fault.equals("oversized")) {
            emulator.oversizedBodyBytes(OVERSIZED);
        } else {
            emulator.bodyFault(fault);
        }
    }

    private void mendBodies() {
        emulator.oversizedBodyBytes(0).bodyFault("none");
    }
}
