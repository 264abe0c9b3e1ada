package io.github.ec2metadata.proxycache.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as given over one TCP connection and returns what came back, for requests
 * no HTTP client library would send (absolute-form targets, CONNECT, raw control characters).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends the request and reads until the server closes or stays silent for a while. */
    public static String exchange(URL server, String request) {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(1500);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAll(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status code of the first response in a raw exchange. */
    public static int status(String response) {
        if (!response.startsWith("HTTP/1.")) {
            throw new AssertionError("not an HTTP response: " + response);
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) > 0; ) {
                received.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException silent) {
            // keep-alive: the server waits for another request; what came is the answer
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
