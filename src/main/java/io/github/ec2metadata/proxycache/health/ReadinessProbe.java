package io.github.ec2metadata.proxycache.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One request for the readiness of a running proxy, over a plain socket, that ends within a
 * fixed budget whatever the proxy does: a wedged proxy (stopped, or accepting and never
 * answering) fails the check instead of hanging it.
 *
 * <p>A plain socket rather than an HTTP client: the status line is all that is needed, a
 * deadline can be kept across every read, and the check loads few classes, which keeps its
 * start quick and its memory small.
 */
final class ReadinessProbe {

    static final String READINESS_PATH = "/q/health/ready";

    /** A status line longer than this is not from the proxy's management interface. */
    private static final int MAX_STATUS_LINE_BYTES = 256;

    private ReadinessProbe() {
    }

    /** The answer of a probe: ready or not, and one line that says why. */
    record Verdict(boolean ready, String reason) {
    }

    /**
     * Asks {@code GET /q/health/ready} at the address; ready only on status 200. Every step,
     * connecting included, shares the budget.
     */
    static Verdict ask(ManagementAddress address, Duration budget) {
        long deadlineNanos = System.nanoTime() + budget.toNanos();
        String where = address.host() + ":" + address.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.host(), address.port()),
                    remainingMillis(deadlineNanos));
            sendRequest(socket, address);
            String statusLine = readStatusLine(socket, deadlineNanos);
            return judge(statusLine, where);
        } catch (SocketTimeoutException e) {
            return new Verdict(false, "no answer from " + where + " within "
                    + budget.toMillis() + " ms");
        } catch (IOException e) {
            return new Verdict(false, "cannot ask " + where + ": " + e.getMessage());
        }
    }

    private static void sendRequest(Socket socket, ManagementAddress address)
            throws IOException {
        String request = "GET " + READINESS_PATH + " HTTP/1.1\r\n"
                + "Host: " + hostHeader(address) + "\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String hostHeader(ManagementAddress address) {
        String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
        return host + ":" + address.port();
    }

    /** Reads up to the end of the first line, each read bounded by what is left of the budget. */
    private static String readStatusLine(Socket socket, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (line.length() < MAX_STATUS_LINE_BYTES) {
            socket.setSoTimeout(remainingMillis(deadlineNanos));
            int next = in.read();
            if (next == -1 || next == '\n') {
                break;
            }
            if (next != '\r') {
                line.append((char) next);
            }
        }
        return line.toString();
    }

    private static Verdict judge(String statusLine, String where) {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return new Verdict(false, "not an HTTP answer from " + where + ": '"
                    + statusLine + "'");
        }
        if (parts[1].equals("200")) {
            return new Verdict(true, "ready: " + READINESS_PATH + " at " + where
                    + " answered 200");
        }
        return new Verdict(false, "not ready: " + READINESS_PATH + " at " + where
                + " answered " + parts[1]);
    }

    /** At least one millisecond: zero would mean "no timeout" to the socket. */
    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("budget spent");
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }
}
