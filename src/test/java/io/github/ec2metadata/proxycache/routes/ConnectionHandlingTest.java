package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the proxy treats connections: pipelining, slow senders, old and odd protocols. */
@QuarkusTest
class ConnectionHandlingTest extends ProxyTestBase {

    private static final String HOST = "Host: 169.254.169.254\r\n";
    private static final String INSTANCE_ID = "/latest/meta-data/instance-id";

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderSent() {
        proxy.get("/latest/meta-data/local-ipv4");
        emulator.latency(Duration.ofMillis(150));
        String pipelined = "GET /latest/meta-data/ami-id HTTP/1.1\r\n" + HOST + "\r\n"
                + "PUT /latest/api/token HTTP/1.1\r\n" + HOST
                + "X-aws-ec2-metadata-token-ttl-seconds: 5\r\n\r\n"
                + "GET /latest/meta-data/local-ipv4 HTTP/1.1\r\n" + HOST + "\r\n"
                + "POST /latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n"
                + "GET " + INSTANCE_ID + " HTTP/1.1\r\n" + HOST + "\r\n";

        List<RawHttp.Answer> answers = RawHttp.send(proxyUrl, pipelined, 5).answers();

        assertEquals(5, answers.size(), answers.toString());
        assertEquals("ami-0abcdef1234567890", answers.get(0).text(), "slow miss first");
        assertEquals("MISS", answers.get(0).header("X-Proxy-Cache"));
        assertEquals("5", answers.get(1).header("X-aws-ec2-metadata-token-ttl-seconds"));
        assertEquals("HIT", answers.get(2).header("X-Proxy-Cache"), "fast hit third");
        assertEquals(405, answers.get(3).status());
        assertEquals(emulator.instanceId(), answers.get(4).text());
    }

    /**
     * Three hundred clients trickle a request head a byte at a time, as a slowloris attack does.
     * Vert.x reads them without a thread each, so a normal client is served as fast as ever.
     */
    @Test
    void hundredsOfClientsSendingHeadersSlowlyDoNotDelayANormalClient() throws Exception {
        proxy.get(INSTANCE_ID);
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = new Socket(proxyUrl.getHost(), proxyUrl.getPort());
                socket.getOutputStream().write(ascii("GET " + INSTANCE_ID + " HTTP/1.1\r\n"
                        + HOST + "X-Slow: "));
                slow.add(socket);
            }
            trickle.scheduleAtFixedRate(() -> sendOneByteEach(slow), 0, 50,
                    TimeUnit.MILLISECONDS);

            long slowestMillis = 0;
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> read = proxy.get(INSTANCE_ID);
                slowestMillis = Math.max(slowestMillis, (System.nanoTime() - started) / 1_000_000);
                assertEquals(200, read.statusCode());
                Thread.sleep(25);
            }

            assertTrue(slowestMillis < 250, "slowest normal read took " + slowestMillis + " ms");
            assertEquals(1, emulator.total(), "only the first normal read went upstream");
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void anHttp10ClientWithoutHostIsServed() {
        RawHttp.Exchange exchange = RawHttp.send(proxyUrl,
                "GET " + INSTANCE_ID + " HTTP/1.0\r\n\r\n", 1);

        assertEquals(200, exchange.first().status());
        assertEquals(emulator.instanceId(), exchange.first().text());
    }

    @Test
    void anH2cUpgradeIsIgnoredAndTheReadServedOverHttp11() {
        RawHttp.Answer answer = RawHttp.send(proxyUrl, "GET " + INSTANCE_ID + " HTTP/1.1\r\n"
                + HOST + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", 1).first();

        assertEquals(200, answer.status());
        assertNull(answer.header("Upgrade"));
        assertEquals(emulator.instanceId(), answer.text());
    }

    /** A target such as {@code //host/path} is a path on IMDS, not an authority. */
    @Test
    void aTargetStartingWithTwoSlashesStaysOnIMDS() {
        RawHttp.Answer answer = RawHttp.send(proxyUrl,
                "GET //evil.example/latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 1).first();

        assertEquals(404, answer.status());
        assertEquals(1, emulator.count("GET", "//evil.example/latest/meta-data/"));
        assertEquals(1, emulator.total());
    }

    /** The body of a refused request is not read: the connection closes after the answer. */
    @Test
    void aRefusedRequestsBodyIsNeverRead() {
        RawHttp.Exchange exchange = RawHttp.send(proxyUrl, "POST /latest/meta-data/ HTTP/1.1\r\n"
                + HOST + "Content-Length: 4000\r\n\r\n" + "a".repeat(100), 2);

        assertEquals(405, exchange.first().status());
        assertEquals("close", exchange.first().header("Connection"));
        assertTrue(exchange.closed(), "connection left open");
        assertEquals(1, exchange.answers().size());
        assertEquals(0, emulator.total());
    }

    @Test
    void aKeptAliveConnectionServesManyReads() {
        String read = "GET " + INSTANCE_ID + " HTTP/1.1\r\n" + HOST + "\r\n";

        RawHttp.Exchange exchange = RawHttp.send(proxyUrl, read.repeat(50), 50);

        assertEquals(50, exchange.answers().size());
        assertFalse(exchange.closed());
        assertEquals(1, emulator.total());
    }

    private static void sendOneByteEach(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write('a');
                out.flush();
            } catch (IOException closed) {
                // the test is ending, or the proxy gave up on this one: either is fine
            }
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
