package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ec2metadata.proxycache.support.Concurrently;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Concurrent readers of one path share one upstream request. The upstream timeouts are long
 * here, so that a busy test machine cannot turn a slow answer into a retry and blur the count.
 */
@QuarkusTest
@TestProfile(CoalescingTest.PatientUpstream.class)
class CoalescingTest extends ProxyTestBase {

    public static class PatientUpstream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imds.upstream.attempt-timeout", "5s", "imds.upstream.deadline", "10s");
        }
    }

    @Test
    void concurrentClientsOnColdPathsMakeOneUpstreamRequestPerPath() throws Exception {
        List<String> paths = List.of("instance-id", "ami-id", "instance-type",
                "placement/region", "mac", "hostname", "local-ipv4", "public-keys/",
                "security-groups", "tags/instance/Name");
        emulator.latency(Duration.ofMillis(200));
        List<Callable<HttpResponse<byte[]>>> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String path = "/latest/meta-data/" + paths.get(i % paths.size());
            clients.add(() -> proxy.get(path));
        }

        List<HttpResponse<byte[]>> answers = Concurrently.runAll(clients);

        for (String path : paths) {
            assertEquals(1, emulator.count("GET", "/latest/meta-data/" + path, false), path);
        }
        emulator.latency(Duration.ZERO);
        for (int i = 0; i < answers.size(); i++) {
            String path = "/latest/meta-data/" + paths.get(i % paths.size());
            assertEquals(200, answers.get(i).statusCode(), path);
            assertArrayEquals(imds.get(path).body(), answers.get(i).body(), path);
        }
    }

}
