package io.github.ec2metadata.proxycache.routes;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static io.github.ec2metadata.proxycache.support.Http.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadPathTest extends ProxyTestBase {

    @Test
    void everyEmulatorPathIsAnsweredThroughTheProxyExactlyAsIMDSAnswersIt() {
        List<String> paths = new ArrayList<>(List.of("/", "/latest", "/latest/",
                "/2021-07-15/meta-data/", "/2021-07-15/meta-data/instance-id",
                "/latest/meta-data/ipv6", "/latest/meta-data/no-such-item",
                "/latest/meta-data/spot/instance-action", "/1999-01-01/meta-data/"));
        paths.add("/latest/user-data");
        collectTree("/latest/meta-data/", paths);
        collectTree("/latest/dynamic/", paths);
        assertTrue(paths.size() > 60, "the walk found only " + paths.size() + " paths");

        for (String path : paths) {
            HttpResponse<byte[]> direct = imds.get(path);
            HttpResponse<byte[]> proxied = proxy.get(path);
            assertEquals(direct.statusCode(), proxied.statusCode(), path);
            assertArrayEquals(direct.body(), proxied.body(), path);
            assertEquals(header(direct, "Content-Type"), header(proxied, "Content-Type"), path);
            assertEquals(header(direct, "Server"), header(proxied, "Server"), path);
            assertEquals(header(direct, "Last-Modified"), header(proxied, "Last-Modified"), path);
        }
    }

    @Test
    void userDataBytesPassUnchanged() {
        HttpResponse<byte[]> direct = imds.get("/latest/user-data");
        HttpResponse<byte[]> proxied = proxy.get("/latest/user-data");

        assertArrayEquals(direct.body(), proxied.body());
        assertEquals("application/octet-stream", header(proxied, "Content-Type"));
    }

    @Test
    void secondReadIsAHitWithoutAnUpstreamRequestAndTheEntryExpiresAfterItsTtl() {
        String path = "/latest/meta-data/instance-id";

        HttpResponse<byte[]> first = proxy.get(path);
        HttpResponse<byte[]> second = proxy.get(path);

        assertEquals("MISS", header(first, "X-Proxy-Cache"));
        assertEquals("HIT", header(second, "X-Proxy-Cache"));
        assertEquals(text(first), text(second));
        assertEquals(1, emulator.count("GET", path));

        clock.advance(Duration.ofHours(6).plusSeconds(1));
        HttpResponse<byte[]> third = proxy.get(path);

        assertEquals("MISS", header(third, "X-Proxy-Cache"));
        assertEquals(2, emulator.count("GET", path));
    }

    @Test
    void ageCountsSecondsSinceIMDSAnswered() {
        String path = "/latest/meta-data/ami-id";
        proxy.get(path);

        clock.advance(Duration.ofSeconds(42));

        assertEquals("42", header(proxy.get(path), "Age"));
    }

    @Test
    void headIsAnsweredLikeGetWithoutABody() {
        String path = "/latest/meta-data/instance-type";
        HttpResponse<byte[]> get = proxy.get(path);

        HttpResponse<byte[]> head = proxy.head(path);

        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(get.body().length), header(head, "Content-Length"));
        assertEquals(header(get, "Content-Type"), header(head, "Content-Type"));
        assertEquals("HIT", header(head, "X-Proxy-Cache"));
        assertEquals(1, emulator.count("GET", path) + emulator.count("HEAD", path));
    }

    @Test
    void pathsAndQueriesReachIMDSExactlyAsSent() {
        String target = "/latest/meta-data/placement/region?x=1&y=%20z";

        proxy.get(target);

        assertEquals(1, emulator.count("GET", target));
    }

    @Test
    void spotNoticeIsSeenWithinItsRuleTtl() {
        String path = "/latest/meta-data/spot/instance-action";
        assertEquals(404, proxy.get(path).statusCode());

        emulator.triggerSpotNotice();
        clock.advance(Duration.ofSeconds(2));
        HttpResponse<byte[]> notice = proxy.get(path);

        assertEquals(200, notice.statusCode());
        assertTrue(text(notice).contains("\"action\""), text(notice));
    }

    @Test
    void noRedirectIsEverGivenForAMissingTrailingSlash() {
        HttpResponse<byte[]> directory = proxy.get("/latest/meta-data/placement");

        assertEquals(200, directory.statusCode());
        assertNull(header(directory, "Location"));
        assertArrayEquals(imds.get("/latest/meta-data/placement/").body(), directory.body());
    }


    /** Walks a directory listing depth-first, adding each path in both slash forms. */
    private void collectTree(String directory, List<String> into) {
        into.add(directory);
        into.add(directory.substring(0, directory.length() - 1));
        for (String line : text(imds.get(directory)).split("\n")) {
            String name = line.contains("=") ? line.substring(0, line.indexOf('=')) + "/" : line;
            String child = directory + name;
            if (name.endsWith("/")) {
                collectTree(child, into);
            } else {
                into.add(child);
                into.add(child + "/");
            }
        }
    }
}
