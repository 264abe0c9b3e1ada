package io.github.ec2metadata.proxycache.routes;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Role credentials are kept by their Expiration, never by a fixed time. */
@QuarkusTest
class CredentialsTest extends ProxyTestBase {

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    /**
     * The nginx image kept credentials ten minutes whatever their Expiration. Here credentials
     * that expire in 22 minutes are fresh only until 20 minutes (the refresh margin) before.
     */
    @Test
    void credentialsAreReadAgainARefreshMarginBeforeTheirExpiration() {
        emulator.credentialLifetime(Duration.ofMinutes(22)).rotateCredentials();
        proxy.get(CREDENTIALS);

        clock.advance(Duration.ofSeconds(60));
        assertEquals("HIT", header(proxy.get(CREDENTIALS), "X-Proxy-Cache"));
        assertEquals(1, emulator.count("GET", CREDENTIALS));

        clock.advance(Duration.ofSeconds(61));
        HttpResponse<byte[]> reread = proxy.get(CREDENTIALS);
        assertEquals("MISS", header(reread, "X-Proxy-Cache"));
        assertEquals(2, emulator.count("GET", CREDENTIALS));
    }

    @Test
    void rotatedCredentialsReachClientsOnceTheHeldOnesAreDue() {
        String before = text(proxy.get(CREDENTIALS));
        emulator.rotateCredentials();

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        String after = text(proxy.get(CREDENTIALS));

        assertNotEquals(before, after);
        assertEquals(emulator.credentials(false), after);
    }

    @Test
    void staleCredentialsStandInWhileIMDSFailsButNeverPastTheirExpiration() {
        emulator.credentialLifetime(Duration.ofMinutes(40)).rotateCredentials();
        String held = text(proxy.get(CREDENTIALS));
        emulator.failWithStatus(500);

        clock.advance(Duration.ofMinutes(21));
        HttpResponse<byte[]> stale = proxy.get(CREDENTIALS);
        assertEquals("STALE", header(stale, "X-Proxy-Cache"));
        assertEquals(held, text(stale));

        clock.advance(Duration.ofMinutes(20));
        HttpResponse<byte[]> expired = proxy.get(CREDENTIALS);
        assertEquals(500, expired.statusCode());
        assertEquals("ERROR", header(expired, "X-Proxy-Cache"));
    }
}
