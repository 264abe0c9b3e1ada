package io.github.ec2metadata.proxycache.cache;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ec2metadata.proxycache.emulator.EmulatorControl;
import io.github.ec2metadata.proxycache.support.Http;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** At start the proxy fetches credentials and instance facts before any client asks. */
@QuarkusTest
@TestProfile(WarmUpTest.WarmUpOn.class)
class WarmUpTest {

    public static class WarmUpOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imds.cache.warm-up", "true");
        }
    }

    @TestHTTPResource("/")
    URL proxyUrl;

    @ConfigProperty(name = "imds.upstream.url")
    String upstreamUrl;

    @Inject
    MetadataCache cache;

    @Test
    void firstClientsFindCredentialsAndInstanceFactsHeld() throws InterruptedException {
        long giveUp = System.nanoTime() + 5_000_000_000L;
        int expected = 2 * (2 + CacheWarmUp.INSTANCE_FACTS.size());
        while (cache.size() < expected && System.nanoTime() - giveUp < 0) {
            Thread.sleep(20);
        }
        EmulatorControl emulator = new EmulatorControl(upstreamUrl);
        long before = emulator.total();
        Http proxy = new Http(proxyUrl.toString());
        String token = proxy.token(21600);

        for (String path : CacheWarmUp.INSTANCE_FACTS) {
            assertEquals("HIT", header(proxy.get(path), "X-Proxy-Cache"), path);
            assertEquals("HIT", header(proxy.get(path, Http.TOKEN, token), "X-Proxy-Cache"), path);
        }
        String credentials = CacheWarmUp.ROLES + "ci-builder-role";
        assertEquals("HIT", header(proxy.get(credentials), "X-Proxy-Cache"));
        assertEquals("HIT", header(proxy.get(credentials, Http.TOKEN, token), "X-Proxy-Cache"));
        assertEquals(before, emulator.total(), "no client read reached IMDS");
    }
}
