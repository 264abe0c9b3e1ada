package io.github.ec2metadata.proxycache.cache;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.Concurrently;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Clients keep working while IMDS throttles or fails, and nothing served is wrong. */
@QuarkusTest
class ResilienceTest extends ProxyTestBase {

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";
    private static final List<String> WARM = List.of("/latest/meta-data/instance-id",
            "/latest/meta-data/placement/region", "/latest/meta-data/local-ipv4",
            "/latest/meta-data/tags/instance/Name", "/latest/dynamic/instance-identity/document",
            "/latest/meta-data/iam/security-credentials/", CREDENTIALS);

    @Test
    void whenIMDSGoesDownEveryHeldReadIsStillAnsweredCredentialsOnlyUntilTheyExpire() {
        emulator.credentialLifetime(Duration.ofMinutes(40)).rotateCredentials();
        List<String> held = new ArrayList<>();
        for (String path : WARM) {
            held.add(text(proxy.get(path)));
        }
        emulator.resetConnections(true);

        clock.advance(Duration.ofMinutes(30));
        for (int i = 0; i < WARM.size(); i++) {
            HttpResponse<byte[]> answer = proxy.get(WARM.get(i));
            assertEquals(200, answer.statusCode(), WARM.get(i));
            assertEquals(held.get(i), text(answer), WARM.get(i));
        }

        clock.advance(Duration.ofMinutes(11));
        assertEquals(502, proxy.get(CREDENTIALS).statusCode(), "expired: never served");
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }

    @Test
    void fiveHundredClientsAtOnceGetNoErrorWhileIMDSThrottles() throws Exception {
        for (String path : WARM) {
            proxy.get(path);
        }
        clock.advance(Duration.ofMinutes(6));
        emulator.throttleAbovePerSecond(20);
        List<Callable<HttpResponse<byte[]>>> clients = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String path = WARM.get(i % WARM.size());
            clients.add(() -> proxy.get(path));
        }

        List<HttpResponse<byte[]>> answers = Concurrently.runAll(clients);

        for (HttpResponse<byte[]> answer : answers) {
            assertEquals(200, answer.statusCode(), text(answer));
        }
        assertTrue(emulator.total() <= 2L * WARM.size(), "upstream requests: " + emulator.total());
    }

    @Test
    void slowIMDSAfterTheEntryWentStaleGetsTheStaleAnswerByTheDeadline() {
        String path = "/latest/meta-data/local-ipv4";
        String held = text(proxy.get(path));
        clock.advance(Duration.ofMinutes(2));
        emulator.latency(Duration.ofSeconds(2));

        long started = System.nanoTime();
        HttpResponse<byte[]> stale = proxy.get(path);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals("STALE", header(stale, "X-Proxy-Cache"));
        assertEquals(held, text(stale));
        assertTrue(tookMillis < 2000, "answered after " + tookMillis + " ms");
    }

    @Test
    void rotatingCredentialsAreNeverServedExpiredAndReadFromIMDSOnlyAFewTimesARotation() {
        Duration lifetime = Duration.ofMinutes(30);
        emulator.credentialLifetime(lifetime).rotateCredentials();
        Duration step = Duration.ofSeconds(20);
        int steps = (int) (Duration.ofHours(2).toSeconds() / step.toSeconds());

        for (int i = 0; i < steps; i++) {
            clock.advance(step);
            emulator.advanceClock(step);
            HttpResponse<byte[]> answer = proxy.get(CREDENTIALS);
            Instant expiration = Instant.parse(
                    new JsonObject(text(answer)).getString("Expiration"));
            assertTrue(expiration.isAfter(clock.now()),
                    "served credentials expiring " + expiration + " at " + clock.now());
        }

        long reads = emulator.count("GET", CREDENTIALS);
        long rotations = Duration.ofHours(2).dividedBy(lifetime.minusMinutes(5));
        assertTrue(reads <= 12 * (rotations + 1), reads + " upstream credential reads");
    }

    @Test
    void aReadNearTheEndOfFreshnessRefreshesInTheBackgroundAndUnreadEntriesAreLeftAlone()
            throws InterruptedException {
        String read = "/latest/meta-data/tags/instance/Name";
        String unread = "/latest/meta-data/placement/region";
        proxy.get(read);
        proxy.get(unread);

        clock.advance(Duration.ofSeconds(50));
        HttpResponse<byte[]> refreshing = proxy.get(read);
        awaitFetchesFinished();

        assertEquals("REFRESH", header(refreshing, "X-Proxy-Cache"));
        assertEquals(2, emulator.count("GET", read));
        HttpResponse<byte[]> refreshed = proxy.get(read);
        assertEquals("HIT", header(refreshed, "X-Proxy-Cache"));
        assertEquals("0", header(refreshed, "Age"));
        assertEquals(1, emulator.count("GET", unread), "nobody read it: not refreshed");
    }

    @Test
    void coldCacheWithIMDSDownAnswersAtOnceAndRecoversWithoutARestart() {
        emulator.resetConnections(true);

        long started = System.nanoTime();
        HttpResponse<byte[]> down = proxy.get("/latest/meta-data/instance-id");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(502, down.statusCode());
        assertTrue(tookMillis < 1000, "took " + tookMillis + " ms");
        emulator.resetConnections(false);
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }


}
