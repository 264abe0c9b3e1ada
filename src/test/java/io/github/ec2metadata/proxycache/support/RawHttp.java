package io.github.ec2metadata.proxycache.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends bytes exactly as given over one TCP connection and reads the answers back, for requests
 * no HTTP client library would send (absolute-form targets, CONNECT, raw control characters,
 * broken framing, pipelining).
 */
public final class RawHttp {

    /** How long a read waits for the server before the exchange is taken as finished. */
    private static final int SILENCE_MILLIS = 1500;

    private RawHttp() {
    }

    /** One answer as it came off the wire; header names in lower case. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /** What one connection gave back: the answers read, and whether the server then closed. */
    public record Exchange(List<Answer> answers, boolean closed) {

        /** The first answer; fails the test when none came. */
        public Answer first() {
            if (answers.isEmpty()) {
                throw new AssertionError("no answer; connection "
                        + (closed ? "closed" : "left open"));
            }
            return answers.get(0);
        }
    }

    /**
     * Sends the request and returns the first answer as text (status line, headers, body), or
     * whatever arrived before the server closed or went silent.
     */
    public static String exchange(URL server, String request) {
        Exchange exchange = send(server, null, bytes(request), 1);
        if (exchange.answers().isEmpty()) {
            return exchange.closed() ? "" : "(no answer)";
        }
        Answer answer = exchange.first();
        return "HTTP/1.1 " + answer.status() + "\r\n" + answer.headers() + "\r\n\r\n"
                + answer.text();
    }

    /** The status code of an exchange's text. */
    public static int status(String response) {
        if (!response.startsWith("HTTP/1.")) {
            throw new AssertionError("not an HTTP response: " + response);
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Sends the bytes and reads up to {@code expected} answers. */
    public static Exchange send(URL server, String request, int expected) {
        return send(server, null, bytes(request), expected);
    }

    /**
     * Sends the bytes from the given local address (null: any) and reads up to {@code expected}
     * answers, stopping early when the server closes or stays silent.
     */
    public static Exchange send(URL server, InetAddress localAddress, byte[] request,
            int expected) {
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5000);
            socket.setSoTimeout(SILENCE_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()), expected,
                    startsWithHead(request));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads answers off an open connection, as {@link #send} does. */
    public static Exchange read(InputStream in, int expected, boolean headRequest)
            throws IOException {
        List<Answer> answers = new ArrayList<>();
        try {
            while (answers.size() < expected) {
                Answer answer = readAnswer(in, headRequest);
                if (answer == null) {
                    return new Exchange(answers, true);
                }
                if (answer.status() >= 200) {
                    answers.add(answer);
                }
            }
        } catch (SocketTimeoutException silent) {
            return new Exchange(answers, false);
        } catch (IOException reset) {
            return new Exchange(answers, true);
        }
        return new Exchange(answers, false);
    }

    public static byte[] bytes(String request) {
        return request.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One answer, or null when the connection closed before a status line. */
    private static Answer readAnswer(InputStream in, boolean headRequest) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            return null;
        }
        // Vert.x repeats the request's protocol, so an answer to "FOO/1.1" starts "FOO/1.1 400".
        int space = statusLine.indexOf(' ');
        if (space < 0 || statusLine.length() < space + 4 || statusLine.indexOf('/') > space) {
            throw new AssertionError("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(space + 1, space + 4));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        boolean bodiless = headRequest || status < 200 || status == 204 || status == 304;
        String length = headers.get("content-length");
        byte[] body = bodiless ? new byte[0]
                : length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Answer(status, headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean startsWithHead(byte[] request) {
        return new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                .equals("HEAD ");
    }
}
