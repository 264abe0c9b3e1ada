package io.github.ec2metadata.proxycache.token;

import static io.github.ec2metadata.proxycache.support.Http.TOKEN;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy's own IMDSv2 token: obtained, renewed before its end, replaced, or done without. */
@QuarkusTest
class UpstreamTokenTest extends ProxyTestBase {

    private static final String TOKEN_PATH = "/latest/api/token";

    private String tokenedRead(String path) {
        return text(proxy.get(path, TOKEN, proxy.token(21600)));
    }

    @Test
    void aTokenRefusedByIMDSIsReplacedOnceAndTheReadRetried() {
        emulator.reset();

        String answer = tokenedRead("/latest/meta-data/instance-id");

        assertEquals(emulator.instanceId(), answer);
        assertEquals(1, emulator.count("PUT", TOKEN_PATH));
        assertEquals(2, emulator.count("GET", "/latest/meta-data/instance-id", true),
                "the read with the forgotten token, then the retry with the new one");
    }

    @Test
    void tokenIsRenewedPastHalfItsLifeBeforeItEnds() throws InterruptedException {
        emulator.reset();
        tokenedRead("/latest/meta-data/ami-id");
        assertEquals(1, emulator.count("PUT", TOKEN_PATH));

        clock.advance(Duration.ofHours(2));
        tokenedRead("/latest/meta-data/tags/instance/Name");
        assertEquals(1, emulator.count("PUT", TOKEN_PATH), "no renewal before half its life");

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        tokenedRead("/latest/meta-data/placement/region");
        eventually(() -> emulator.count("PUT", TOKEN_PATH) == 2,
                "renewed in the background while the old token still served");
        assertEquals(0, emulator.count("GET", "/latest/meta-data/placement/region", false),
                "the renewal never sends a read tokenless");
    }

    @Test
    void whenIMDSRefusesTokensTheProxyReadsTokenlessAndAsksAgainLater() {
        emulator.reset();
        emulator.tokenPutStatus(403);

        String answer = tokenedRead("/latest/meta-data/instance-id");

        assertEquals(emulator.instanceId(), answer);
        assertEquals(1, emulator.count("GET", "/latest/meta-data/instance-id", false));
        assertEquals(1, emulator.count("GET", "/latest/meta-data/instance-id", true),
                "the read with the token IMDS had forgotten");
        tokenedRead("/latest/meta-data/ami-id");
        long puts = emulator.count("PUT", TOKEN_PATH);
        assertEquals(1, puts, "refused once, then not asked again for a while");

        emulator.tokenPutStatus(0);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        tokenedRead("/latest/meta-data/mac");
        assertEquals(2, emulator.count("PUT", TOKEN_PATH));
        assertEquals(1, emulator.count("GET", "/latest/meta-data/mac", true));
    }

    @Test
    void aTokenRequestThatFailsTransientlyIsRetriedWithinTheDeadline() {
        emulator.reset();
        emulator.tokenPutStatus(503);

        int status = proxy.get("/latest/meta-data/instance-id", TOKEN, proxy.token(60))
                .statusCode();

        assertEquals(502, status, "no token could be had: an upstream error, never cached");
        long puts = emulator.count("PUT", TOKEN_PATH);
        assertTrue(puts >= 2, puts + " token requests");
        emulator.tokenPutStatus(0);
        assertEquals(emulator.instanceId(),
                text(proxy.get("/latest/meta-data/instance-id", TOKEN, proxy.token(60))));
    }

    @Test
    void tokenedReadsReachIMDSWithTheProxysOwnTokenNotTheClients() {
        String clientToken = proxy.token(21600);

        String answer = text(proxy.get("/latest/meta-data/hostname", TOKEN, clientToken,
                "X-Forwarded-For", "10.1.2.3"));

        assertEquals(text(imds.get("/latest/meta-data/hostname")), answer);
        assertEquals(0, emulator.count("PUT", TOKEN_PATH),
                "the proxy's own token, still valid, was used");
        assertEquals(1, emulator.count("GET", "/latest/meta-data/hostname", true),
                "one tokened read, accepted: the client's token, unknown to IMDS, was not sent");
    }
}
