package io.github.ec2metadata.proxycache.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.Http;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With every log at DEBUG and the access log on, traffic full of tokens, credentials and
 * user-data leaves none of them in the logs.
 */
@QuarkusTest
@TestProfile(NoSecretsInLogsTest.EverythingLogged.class)
class NoSecretsInLogsTest extends ProxyTestBase {

    static final Path LOG = Path.of("target", "no-secrets-test", "proxy.log");

    public static class EverythingLogged implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.level", "DEBUG",
                    "quarkus.http.access-log.enabled", "true",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString());
        }
    }

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    @Test
    void noTokenCredentialOrUserDataIsEverLogged() throws Exception {
        List<String> clientTokens = new ArrayList<>();
        for (int ttl : new int[] {60, 21600}) {
            String token = proxy.token(ttl);
            clientTokens.add(token);
            proxy.get(CREDENTIALS, Http.TOKEN, token);
            proxy.get("/latest/user-data", Http.TOKEN, token);
            proxy.get("/latest/meta-data/iam/info", Http.TOKEN, token);
        }
        proxy.get(CREDENTIALS);
        proxy.get("/latest/user-data");
        proxy.get("/latest/meta-data/ami-id", Http.TOKEN, clientTokens.get(0) + "tampered");
        emulator.failWithStatus(500);
        clock.advance(Duration.ofMinutes(6));
        proxy.get(CREDENTIALS);
        emulator.failWithStatus(0);
        List<String> upstreamTokens = emulator.issuedTokens();

        String logged = Files.readString(LOG);

        assertTrue(logged.contains("GET " + CREDENTIALS), "the access log is on");
        assertTrue(Pattern.compile("\" 200 \\d+ HIT$", Pattern.MULTILINE).matcher(logged).find()
                && Pattern.compile("\" 200 \\d+ STALE$", Pattern.MULTILINE).matcher(logged)
                        .find(), "access log lines carry the cache outcome");
        for (String token : clientTokens) {
            assertFalse(logged.contains(token), "a client token was logged");
        }
        assertFalse(upstreamTokens.isEmpty());
        for (String token : upstreamTokens) {
            assertFalse(logged.contains(token), "the proxy's own token was logged");
        }
        for (boolean tokened : new boolean[] {true, false}) {
            JsonObject credentials = new JsonObject(emulator.credentials(tokened));
            assertFalse(logged.contains(credentials.getString("SecretAccessKey")));
            assertFalse(logged.contains(credentials.getString("Token")));
        }
        assertFalse(logged.contains("ci builder ready"), "user-data was logged");
    }
}
