package io.github.ec2metadata.proxycache.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The health check's exit decision against a management port that is ready, not, or wedged. */
class ReadinessProbeTest {

    private static final Duration BUDGET = HealthcheckCommand.BUDGET;

    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> askedPath = new AtomicReference<>();
    private final CountDownLatch releaseWedged = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void startManagementStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stopManagementStandIn() {
        releaseWedged.countDown();
        server.stop(0);
    }

    @Test
    void healthyWhenReadinessAnswers200() {
        ReadinessProbe.Verdict verdict = ReadinessProbe.ask(standIn(), BUDGET);

        assertTrue(verdict.ready(), verdict.reason());
        assertEquals("/q/health/ready", askedPath.get());
    }

    @Test
    void unhealthyWhenReadinessAnswers503() {
        status.set(503);

        ReadinessProbe.Verdict verdict = ReadinessProbe.ask(standIn(), BUDGET);

        assertFalse(verdict.ready());
        assertTrue(verdict.reason().contains("503"), verdict.reason());
    }

    @Test
    void unhealthyWithinTheBudgetWhenTheProxyAcceptsButNeverAnswers() {
        status.set(-1);

        long startNanos = System.nanoTime();
        ReadinessProbe.Verdict verdict = ReadinessProbe.ask(standIn(), BUDGET);
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

        assertFalse(verdict.ready());
        assertTrue(verdict.reason().startsWith("no answer"), verdict.reason());
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "took " + took);
    }

    @Test
    void unhealthyWithinTheBudgetWhenTheProxyIsStoppedAndNeverAccepts() throws IOException {
        // A stopped process keeps its listening socket: the kernel completes the handshake into
        // the backlog, and nothing ever reads the request.
        try (ServerSocket stopped = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long startNanos = System.nanoTime();
            ReadinessProbe.Verdict verdict = ReadinessProbe.ask(
                    new ManagementAddress("127.0.0.1", stopped.getLocalPort()), BUDGET);
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

            assertFalse(verdict.ready());
            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "took " + took);
        }
    }

    @Test
    void unhealthyWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }

        ReadinessProbe.Verdict verdict = ReadinessProbe.ask(
                new ManagementAddress("127.0.0.1", closedPort), BUDGET);

        assertFalse(verdict.ready());
        assertTrue(verdict.reason().startsWith("cannot ask"), verdict.reason());
    }

    @Test
    void commandExitsZeroWhenReadyAndOneWhenNotPrintingOneLine() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Map<String, String> environment = Map.of(ManagementAddress.PORT_ENV,
                String.valueOf(server.getAddress().getPort()));

        int whenReady = HealthcheckCommand.run(environment, new Properties(), out);
        status.set(503);
        int whenNotReady = HealthcheckCommand.run(environment, new Properties(), out);

        assertEquals(0, whenReady);
        assertEquals(1, whenNotReady);
        String lines = printed.toString(StandardCharsets.UTF_8);
        assertEquals(2, lines.lines().count(), lines);
    }

    @Test
    void commandExitsOneOnABadPortSetting() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int exit = HealthcheckCommand.run(Map.of(ManagementAddress.PORT_ENV, "nine thousand"),
                new Properties(), out);

        assertEquals(1, exit);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("nine thousand"));
    }

    private ManagementAddress standIn() {
        return new ManagementAddress("127.0.0.1", server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange) throws IOException {
        askedPath.set(exchange.getRequestURI().getPath());
        if (status.get() < 0) {
            awaitRelease();
            return;
        }
        byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status.get(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void awaitRelease() {
        try {
            releaseWedged.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
