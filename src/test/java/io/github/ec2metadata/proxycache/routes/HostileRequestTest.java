package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of hostile or broken request a client can send: each gets a clear 4xx, never
 * reaches IMDS, and leaves the proxy serving.
 *
 * <p>Most refusals carry a one-line text body. Two layers answer before the proxy's route can,
 * with an empty body, and this table says so case by case ({@link Answer#EMPTY}): Netty's
 * decoder, for requests it cannot parse (a bad request line or header, limits exceeded,
 * conflicting lengths), and Quarkus's check that the target is a valid URI (raw control
 * characters, {@code CONNECT host:port}). Quarkus exposes no hook for either; see the README,
 * "Limits". A chunked body that breaks after a valid head is met by Vert.x closing the
 * connection without an answer ({@link Answer#NONE}).
 */
@QuarkusTest
class HostileRequestTest extends ProxyTestBase {

    /** What the client gets back. */
    enum Answer {
        /** A {@code text/plain} body of exactly one line, written by the proxy. */
        ONE_LINE,
        /** An empty body, written by Vert.x or Quarkus before any route ran. */
        EMPTY,
        /** No answer at all: the connection is closed. */
        NONE
    }

    private static final String HOST = "Host: 169.254.169.254\r\n";
    private static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds: ";
    private static final String TOKEN = "X-aws-ec2-metadata-token: ";
    private static final String READ = "GET /latest/meta-data/instance-id HTTP/1.1\r\n" + HOST;
    private static final String TOKEN_PUT = "PUT /latest/api/token HTTP/1.1\r\n" + HOST;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"methods", "targets", "sizes", "framing", "tokens", "ttls", "forwarded",
        "versions"})
    void refusedEarlyWithAClearAnswerAndNoUpstreamRequest(String name, String request,
            int status, Answer answer) {
        RawHttp.Exchange exchange = RawHttp.send(proxyUrl, request, 1);

        if (answer == Answer.NONE) {
            assertTrue(exchange.answers().isEmpty() && exchange.closed(), exchange.toString());
        } else {
            RawHttp.Answer first = exchange.first();
            assertEquals(status, first.status(), first.toString());
            assertBody(answer, first);
        }
        assertEquals(0, emulator.total(), "upstream requests");
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode());
    }

    static Stream<Arguments> methods() {
        return Stream.of(
            refused("POST", "POST /latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 405),
            refused("DELETE", "DELETE /latest/api/token HTTP/1.1\r\n" + HOST + "\r\n", 405),
            refused("PATCH", "PATCH /latest/api/token HTTP/1.1\r\n" + HOST + "\r\n", 405),
            refused("TRACE", "TRACE /latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 405),
            refused("OPTIONS", "OPTIONS /latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 405),
            refused("lower-case get", "get /latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n",
                    405),
            refused("PUT to a metadata path",
                    "PUT /latest/meta-data/instance-id HTTP/1.1\r\n" + HOST + TTL + "60\r\n\r\n",
                    405),
            refused("PUT to a dated token path",
                    "PUT /2021-03-23/api/token HTTP/1.1\r\n" + HOST + TTL + "60\r\n\r\n", 403),
            refused("CONNECT with a path", "CONNECT /latest/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
            emptyBody("CONNECT host:port, not a URI to Quarkus",
                    "CONNECT 169.254.169.254:80 HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("OPTIONS *", "OPTIONS * HTTP/1.1\r\n" + HOST + "\r\n", 400),
            emptyBody("a method of symbols", "G@T /latest/ HTTP/1.1\r\n" + HOST + "\r\n", 400));
    }

    static Stream<Arguments> targets() {
        return Stream.of(
            refused("absolute-form to IMDS", "GET http://169.254.169.254/latest/meta-data/iam/"
                    + "security-credentials/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("absolute-form elsewhere",
                    "GET http://127.0.0.1:1/latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("absolute-form https",
                    "GET https://evil.example/x HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("authority-form GET", "GET evil.example:80 HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("relative target", "GET latest/meta-data/ HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("dot-dot", "GET /latest/meta-data/../user-data HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("dot", "GET /latest/./meta-data/ HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("trailing dot-dot", "GET /latest/meta-data/.. HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("encoded dot-dot",
                    "GET /latest/%2e%2e/latest/user-data HTTP/1.1\r\n" + HOST + "\r\n", 400),
            refused("mixed dot-dot", "GET /latest/.%2E/user-data HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("encoded dot", "GET /latest/meta-data/%2E/instance-id HTTP/1.1\r\n" + HOST
                    + "\r\n", 400),
            refused("encoded NUL", "GET /latest/meta-data/%00 HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("encoded CR LF", "GET /latest/meta-data/%0d%0aX-Injected:%20yes HTTP/1.1\r\n"
                    + HOST + "\r\n", 400),
            emptyBody("raw NUL", "GET /latest/meta-data/\u0000 HTTP/1.1\r\n" + HOST + "\r\n", 400),
            emptyBody("raw control character", "GET /latest/\u0001x HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            emptyBody("raw DEL", "GET /latest/\u007f HTTP/1.1\r\n" + HOST + "\r\n", 400),
            emptyBody("broken percent-encoding", "GET /latest/%zz HTTP/1.1\r\n" + HOST + "\r\n",
                    400),
            emptyBody("NUL in a header", READ + "X-Note: a\u0000b\r\n\r\n", 400),
            emptyBody("space before a header colon", READ + "X-Note : b\r\n\r\n", 400),
            emptyBody("bare LF line ends", "GET /latest/meta-data/ HTTP/1.1\n" + HOST.trim()
                    + "\n\n", 400));
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
            emptyBody("request line past 2 KiB", "GET /latest/meta-data/" + "a".repeat(3000)
                    + " HTTP/1.1\r\n" + HOST + "\r\n", 414),
            emptyBody("one header past 8 KiB", READ + "X-Note: " + "a".repeat(9000) + "\r\n\r\n",
                    431),
            emptyBody("many headers past 8 KiB", READ + "X-Note: a\r\n".repeat(1000) + "\r\n",
                    431),
            refused("token PUT body past 4 KiB", TOKEN_PUT + TTL + "60\r\nContent-Length: 5000"
                    + "\r\n\r\n" + "a".repeat(5000), 413),
            refused("token PUT announcing 50 MB", TOKEN_PUT + TTL + "60\r\n"
                    + "Content-Length: 50000000\r\n\r\n", 413),
            refused("token PUT chunks past 4 KiB", TOKEN_PUT + TTL + "60\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + ("1000\r\n" + "a".repeat(4096) + "\r\n").repeat(3) + "0\r\n\r\n", 413));
    }

    static Stream<Arguments> framing() {
        return Stream.of(
            emptyBody("Content-Length and Transfer-Encoding", TOKEN_PUT + TTL + "60\r\n"
                    + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            emptyBody("two different Content-Lengths", TOKEN_PUT + TTL + "60\r\n"
                    + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
            emptyBody("negative Content-Length", TOKEN_PUT + TTL + "60\r\n"
                    + "Content-Length: -1\r\n\r\n", 400),
            emptyBody("Content-Length not a number", TOKEN_PUT + TTL + "60\r\n"
                    + "Content-Length: ten\r\n\r\n", 400),
            refused("a transfer coding other than chunked", TOKEN_PUT + TTL + "60\r\n"
                    + "Transfer-Encoding: gzip\r\n\r\n", 400),
            noAnswer("malformed chunk size", TOKEN_PUT + TTL + "60\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
            refused("a read with a body", READ + "Content-Length: 4\r\n\r\nabcd", 400),
            refused("a read with chunks", READ + "Transfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nabcd\r\n0\r\n\r\n", 400));
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
            refused("huge token", READ + TOKEN + "A".repeat(7000) + "\r\n\r\n", 401),
            emptyBody("token past the header limit", READ + TOKEN + "A".repeat(9000) + "\r\n\r\n",
                    431),
            refused("binary token", READ + TOKEN + "\u00ff\u00fe\u0080\u00e9abc\r\n\r\n", 401),
            refused("empty token", READ + TOKEN + "\r\n\r\n", 401),
            refused("duplicated token", READ + TOKEN + "a\r\n" + TOKEN + "b\r\n\r\n", 400));
    }

    static Stream<Arguments> ttls() {
        return Stream.of(
            refused("no TTL", TOKEN_PUT + "\r\n", 400),
            refused("empty TTL", TOKEN_PUT + TTL + "\r\n\r\n", 400),
            refused("blank TTL", TOKEN_PUT + TTL + "   \r\n\r\n", 400),
            refused("signed TTL", TOKEN_PUT + TTL + "+60\r\n\r\n", 400),
            refused("negative TTL", TOKEN_PUT + TTL + "-60\r\n\r\n", 400),
            refused("fractional TTL", TOKEN_PUT + TTL + "60.5\r\n\r\n", 400),
            refused("exponent TTL", TOKEN_PUT + TTL + "1e3\r\n\r\n", 400),
            refused("hex TTL", TOKEN_PUT + TTL + "0x3c\r\n\r\n", 400),
            refused("zero TTL", TOKEN_PUT + TTL + "0\r\n\r\n", 400),
            refused("TTL past 21600", TOKEN_PUT + TTL + "21601\r\n\r\n", 400),
            refused("huge TTL", TOKEN_PUT + TTL + "99999999999999999999999\r\n\r\n", 400),
            refused("words for a TTL", TOKEN_PUT + TTL + "sixty\r\n\r\n", 400),
            refused("Arabic-Indic digits", TOKEN_PUT + TTL + "\u00d9\u00a6\u00d9\u00a0\r\n\r\n",
                    400),
            refused("two TTLs", TOKEN_PUT + TTL + "60\r\n" + TTL + "60\r\n\r\n", 400),
            refused("a TTL list", TOKEN_PUT + TTL + "60, 60\r\n\r\n", 400));
    }

    static Stream<Arguments> forwarded() {
        return Stream.of(
            refused("X-Forwarded-For", TOKEN_PUT + TTL + "60\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
                    403),
            refused("x-forwarded-for", TOKEN_PUT + TTL + "60\r\nx-forwarded-for: 10.0.0.1\r\n\r\n",
                    403),
            refused("X-FORWARDED-FOR", TOKEN_PUT + TTL + "60\r\nX-FORWARDED-FOR: 10.0.0.1\r\n\r\n",
                    403),
            refused("x-FoRwArDeD-fOr", TOKEN_PUT + TTL + "60\r\nx-FoRwArDeD-fOr: 10.0.0.1\r\n\r\n",
                    403),
            refused("empty X-Forwarded-For", TOKEN_PUT + TTL + "60\r\nX-Forwarded-For:\r\n\r\n",
                    403));
    }

    static Stream<Arguments> versions() {
        return Stream.of(
            refused("HTTP/1.1 without Host",
                    "GET /latest/meta-data/instance-id HTTP/1.1\r\n\r\n", 400),
            refused("an unknown protocol", "GET /latest/meta-data/ FOO/1.1\r\n" + HOST + "\r\n",
                    400),
            refused("HTTP/1.2", "GET /latest/meta-data/ HTTP/1.2\r\n" + HOST + "\r\n", 400),
            refused("HTTP/2 prior knowledge", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
            emptyBody("HTTP/0.9", "GET /latest/meta-data/\r\n\r\n", 400));
    }

    private static void assertBody(Answer answer, RawHttp.Answer received) {
        String body = received.text();
        if (answer == Answer.EMPTY) {
            assertEquals("", body, "Vert.x and Quarkus answer these with no body");
            return;
        }
        assertTrue(received.header("Content-Type").startsWith("text/plain"), received.toString());
        assertTrue(body.endsWith("\n") && body.indexOf('\n') == body.length() - 1
                && body.length() > 1, "one line: " + body);
    }

    private static Arguments refused(String name, String request, int status) {
        return arguments(name, request, status, Answer.ONE_LINE);
    }

    private static Arguments emptyBody(String name, String request, int status) {
        return arguments(name, request, status, Answer.EMPTY);
    }

    private static Arguments noAnswer(String name, String request) {
        return arguments(name, request, 0, Answer.NONE);
    }
}
