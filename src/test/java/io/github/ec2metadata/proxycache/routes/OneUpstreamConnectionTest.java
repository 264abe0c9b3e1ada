package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ec2metadata.proxycache.support.Concurrently;
import io.github.ec2metadata.proxycache.support.Http;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** With a single upstream connection, a burst waits its turn instead of being refused. */
@QuarkusTest
@TestProfile(OneUpstreamConnectionTest.OneConnection.class)
class OneUpstreamConnectionTest extends ProxyTestBase {

    public static class OneConnection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imds.upstream.max-connections", "1");
        }
    }

    @Test
    void aBurstOfOneHundredMissesGetsNo502() throws Exception {
        List<Callable<HttpResponse<byte[]>>> clients = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String target = "/latest/meta-data/instance-id?client=" + i;
            clients.add(() -> proxy.get(target));
        }

        List<HttpResponse<byte[]>> answers = Concurrently.runAll(clients);

        for (HttpResponse<byte[]> answer : answers) {
            assertEquals(200, answer.statusCode(), Http.text(answer));
        }
        assertEquals(100, emulator.total());
    }

    /**
     * The nginx image's single upstream connection without a queue answered 502 to concurrent
     * misses and token requests: 200 clients starting at once all failed. Here every one of them
     * gets its token and its reads.
     */
    @Test
    void twoHundredClientsStartingAtOnceAllSucceed() throws Exception {
        List<String> reads = List.of("/latest/meta-data/instance-id",
                "/latest/meta-data/placement/region",
                "/latest/meta-data/iam/security-credentials/",
                "/latest/meta-data/iam/security-credentials/ci-builder-role",
                "/latest/dynamic/instance-identity/document", "/latest/meta-data/ami-id");
        List<Callable<HttpResponse<byte[]>>> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            clients.add(() -> {
                String token = proxy.token(21600);
                HttpResponse<byte[]> last = null;
                for (String read : reads) {
                    last = proxy.get(read, Http.TOKEN, token);
                    if (last.statusCode() != 200) {
                        return last;
                    }
                }
                return last;
            });
        }

        List<HttpResponse<byte[]>> answers = Concurrently.runAll(clients);

        for (HttpResponse<byte[]> answer : answers) {
            assertEquals(200, answer.statusCode(), Http.text(answer));
        }
        for (String read : reads) {
            assertEquals(1, emulator.count("GET", read), read);
        }
    }
}
