package io.github.ec2metadata.proxycache.token;

import static io.github.ec2metadata.proxycache.support.Http.TOKEN;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Tokenless and tokened reads are kept apart, and tokenless ones follow IMDS's requirement. */
@QuarkusTest
class TokenModeTest extends ProxyTestBase {

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    @Test
    void tokenlessAndTokenedReadsGetTheCredentialsIMDSGivesEach() {
        String token = proxy.token(21600);

        String tokened = text(proxy.get(CREDENTIALS, TOKEN, token));
        String tokenless = text(proxy.get(CREDENTIALS));

        assertEquals(emulator.credentials(true), tokened);
        assertEquals(emulator.credentials(false), tokenless);
        assertNotEquals(tokened, tokenless);
        assertEquals(1, emulator.count("GET", CREDENTIALS, true));
        assertEquals(1, emulator.count("GET", CREDENTIALS, false));
    }

    /**
     * The nginx image served tokenless reads from answers fetched with a token, which opened an
     * instance that requires IMDSv2 to IMDSv1 clients.
     */
    @Test
    void tokenlessClientNeverGetsWhatWasFetchedWithAToken() {
        emulator.requireTokens(true);
        String token = proxy.token(21600);
        assertEquals(200, proxy.get(CREDENTIALS, TOKEN, token).statusCode());

        HttpResponse<byte[]> tokenless = proxy.get(CREDENTIALS);

        assertEquals(401, tokenless.statusCode());
        assertFalse(text(tokenless).contains("AccessKeyId"), text(tokenless));
        assertEquals(401, proxy.get(CREDENTIALS).statusCode());
        assertEquals(1, emulator.count("GET", CREDENTIALS, false),
                "IMDS was asked tokenless once, which taught the proxy the requirement");
    }

    @Test
    void mirrorModeRefusesTokenlessReadsWhileIMDSDoesAndFollowsItBack() throws Exception {
        String path = "/latest/meta-data/instance-id";
        assertEquals(200, proxy.get(path).statusCode());
        emulator.requireTokens(true);
        requirement.probe().toCompletableFuture().get();
        emulator.reset();
        emulator.requireTokens(true);

        assertEquals(401, proxy.get(path).statusCode());
        assertEquals(0, emulator.total(), "refused without asking IMDS; the entry was dropped");
        String token = proxy.token(60);
        assertEquals(200, proxy.get(path, TOKEN, token).statusCode());

        emulator.requireTokens(false);
        requirement.probe().toCompletableFuture().get();
        assertEquals(200, proxy.get(path).statusCode());
    }

    @Test
    void firstTokenlessRefusalFromIMDSSwitchesTheProxyToRequiringTokens() {
        String path = "/latest/meta-data/ami-id";
        emulator.requireTokens(true);

        assertEquals(401, proxy.get(path).statusCode());
        assertEquals(1, emulator.count("GET", path, false));
        assertEquals(401, proxy.get(path).statusCode());

        assertEquals(1, emulator.count("GET", path, false));
    }
}
