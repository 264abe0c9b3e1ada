package io.github.ec2metadata.proxycache.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.github.ec2metadata.proxycache.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A few thousand generated requests (methods, targets, versions, headers and bodies, valid and
 * not) against a healthy IMDS. Whatever arrives: no 5xx unless the upstream failed (the answer
 * then says ERROR), no upstream request for anything the proxy refused, the proxy still serves
 * a normal read, and the heap stays bounded.
 *
 * <p>The seed is fixed so a failure can be replayed; it is printed in every failure message,
 * and {@code -Dhostile.seed=N -Dhostile.requests=N} run another seed or more requests.
 */
@QuarkusTest
class RandomisedHostileInputTest extends ProxyTestBase {

    private static final long SEED = Long.getLong("hostile.seed", 20_261_203L);
    private static final int REQUESTS = Integer.getInteger("hostile.requests", 2000);
    private static final long MAX_HEAP_GROWTH_BYTES = 32L * 1024 * 1024;
    private static final Pattern DOT_SEGMENT =
            Pattern.compile("/(\\.|%2e){1,2}(/|$)", Pattern.CASE_INSENSITIVE);

    @Test
    void generatedHostileInputNeverCrashesWedgesOrLeaksThroughToIMDS() throws Exception {
        HostileRequests generator = new HostileRequests(new Random(SEED), proxy.token(21600));
        long heapBefore = heapAfterGc();
        TreeMap<Integer, Integer> statuses = new TreeMap<>();
        long upstreamSoFar = emulator.total();

        for (int i = 0; i < REQUESTS; i++) {
            String request = generator.next();
            RawHttp.Exchange exchange = RawHttp.send(proxyUrl, request, 1);
            upstreamSoFar = check(i, request, exchange, upstreamSoFar);
            int status = exchange.answers().isEmpty() ? 0 : exchange.first().status();
            statuses.merge(status, 1, Integer::sum);
            if (i % 250 == 249) {
                assertStillServing(i);
                upstreamSoFar = emulator.total();
            }
        }

        assertStillServing(REQUESTS);
        long grown = heapAfterGc() - heapBefore;
        assertTrue(grown < MAX_HEAP_GROWTH_BYTES, "heap grew by " + grown + " bytes; "
                + replay() + ", statuses " + statuses);
    }

    /** Checks one exchange; returns the upstream request count after it. */
    private long check(int index, String request, RawHttp.Exchange exchange, long upstreamBefore)
            throws InterruptedException {
        RawHttp.Answer answer = exchange.answers().isEmpty() ? null : exchange.first();
        assertTrue(answer != null || exchange.closed(), "no answer, connection left open, "
                + describe(index, request, null));
        boolean fromCacheOrIMDS = answer != null && answer.header("X-Proxy-Cache") != null;
        if (fromCacheOrIMDS && mustBeRefused(request)) {
            throw new AssertionError("served what must be refused, "
                    + describe(index, request, answer));
        }
        if (answer != null && answer.status() >= 500) {
            assertEquals("ERROR", answer.header("X-Proxy-Cache"), "a 5xx that is not an IMDS"
                    + " failure, " + describe(index, request, answer));
        }
        if (fromCacheOrIMDS) {
            awaitFetchesFinished();
            return emulator.total();
        }
        long upstreamAfter = emulator.total();
        assertEquals(upstreamBefore, upstreamAfter, "a refused request reached IMDS, "
                + describe(index, request, answer));
        return upstreamAfter;
    }

    /**
     * A partial oracle: a request line whose method is not GET, HEAD or PUT, whose target is
     * not a path, or whose path holds a dot segment, plain or percent-encoded, is never served.
     */
    static boolean mustBeRefused(String request) {
        // Netty splits the request line at any run of space, tab, VT, FF or CR.
        String[] line = request.substring(0, Math.max(0, request.indexOf("\r\n"))).strip()
                .split("[ \t\u000b\f\r]+");
        if (line.length != 3) {
            return true;
        }
        String path = line[1].split("[?#]", 2)[0];
        return !List.of("GET", "HEAD", "PUT").contains(line[0]) || !path.startsWith("/")
                || DOT_SEGMENT.matcher(path).find();
    }

    private void assertStillServing(int afterRequests) {
        assertEquals(200, proxy.get("/latest/meta-data/instance-id").statusCode(),
                "no normal read after " + afterRequests + " requests; " + replay());
    }

    private static String describe(int index, String request, RawHttp.Answer answer) {
        return replay() + ", request #" + index + ": " + printable(request) + " -> " + answer;
    }

    private static String replay() {
        return "seed " + SEED + " (-Dhostile.seed=" + SEED + ")";
    }

    /** The request with control and non-ASCII characters escaped, cut to a readable length. */
    private static String printable(String request) {
        StringBuilder out = new StringBuilder();
        for (char c : request.substring(0, Math.min(400, request.length())).toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c)
                    : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Makes requests that are valid, slightly wrong, or wrong in every way: each part of a
     * request (method, target, version, Host, headers, body) is made odd with a probability that
     * is low for half of the requests and high for the other half.
     */
    static final class HostileRequests {

        private static final List<String> METHODS = List.of("GET", "GET", "GET", "HEAD", "PUT");
        private static final List<String> ODD_METHODS = List.of("POST", "DELETE", "OPTIONS",
                "CONNECT", "TRACE", "PATCH", "PRI", "get", "G@T", "PROPFIND", "MKCOL");
        private static final List<String> PATHS = List.of("/", "/latest", "/latest/",
                "/latest/meta-data/", "/latest/meta-data/instance-id", "/latest/meta-data/ami-id",
                "/latest/user-data", "/latest/api/token", "/2021-03-23/api/token",
                "/latest/meta-data/iam/security-credentials/",
                "/latest/meta-data/iam/security-credentials/ci-builder-role",
                "/latest/dynamic/instance-identity/document", "/latest/meta-data/spot/",
                "/2021-07-15/meta-data/placement/region", "/latest/meta-data/no-such-item");
        private static final List<String> ODD_TARGETS = List.of("*", "169.254.169.254:80",
                "http://169.254.169.254/latest/meta-data/", "https://evil.example/",
                "//evil.example/latest/meta-data/", "latest/meta-data", "");
        private static final List<String> INSERTS = List.of("/..", "/.", "/%2e%2e", "/%2E",
                "%00", "%0d%0a", "%", "%zz", "?", "?x=../..", "#", "\\", "//", ";", "%2f",
                "%252e%252e", "\u0000", "\u0001", "\t", "\u007f", "\u00e9", "\u00ff", " ", "<>",
                "{|}", "\r\n");
        private static final List<String> ODD_VERSIONS = List.of("HTTP/1.0", "HTTP/1.2",
                "HTTP/2.0", "FOO/1.1", "HTTP/1.1 extra", "");
        private static final List<String> ODD_TTLS = List.of("0", "21601", "", " ", "+60",
                "-60", "60.5", "1e3", "0x3c", "99999999999999999999", "sixty", "60, 60",
                "\u00d9\u00a6");
        private static final List<String> FORWARDED = List.of("X-Forwarded-For",
                "x-forwarded-for", "X-FORWARDED-FOR", "x-FoRwArDeD-fOr");

        private final Random random;
        private final String validToken;
        private int hostility;

        HostileRequests(Random random, String validToken) {
            this.random = random;
            this.validToken = validToken;
        }

        String next() {
            hostility = chance(50) ? 5 : 40;
            StringBuilder request = new StringBuilder();
            request.append(odd() ? pick(ODD_METHODS) : pick(METHODS)).append(' ')
                    .append(target()).append(' ')
                    .append(odd() ? pick(ODD_VERSIONS) : "HTTP/1.1").append("\r\n");
            if (!odd()) {
                request.append("Host: 169.254.169.254\r\n");
            }
            headers(request);
            body(request);
            return request.toString();
        }

        private String target() {
            StringBuilder target = new StringBuilder(odd() ? pick(ODD_TARGETS) : pick(PATHS));
            for (int i = 0; i < 3 && odd(); i++) {
                target.insert(random.nextInt(target.length() + 1), pick(INSERTS));
            }
            if (odd() && chance(10)) {
                target.append("a".repeat(500 + random.nextInt(3000)));
            }
            return target.toString();
        }

        private void headers(StringBuilder request) {
            if (chance(40)) {
                request.append("X-aws-ec2-metadata-token-ttl-seconds: ")
                        .append(odd() ? pick(ODD_TTLS) : "21600").append("\r\n");
            }
            if (chance(30)) {
                request.append("X-aws-ec2-metadata-token: ")
                        .append(odd() ? oddToken() : validToken).append("\r\n");
            }
            if (odd() && chance(30)) {
                request.append(pick(FORWARDED)).append(": 10.0.0.1\r\n");
            }
            int extra = random.nextInt(3);
            for (int i = 0; i < extra; i++) {
                request.append("X-R").append(random.nextInt(1000)).append(": ")
                        .append(random.nextLong()).append("\r\n");
            }
            if (odd()) {
                request.append(oddHeader());
            }
        }

        private String oddToken() {
            return switch (random.nextInt(5)) {
                case 0 -> validToken + "\r\nX-aws-ec2-metadata-token: " + validToken;
                case 1 -> "A".repeat(random.nextInt(9000));
                case 2 -> "\u00ff\u00fe\u0080" + validToken;
                case 3 -> "";
                default -> validToken.substring(0, random.nextInt(validToken.length()));
            };
        }

        private String oddHeader() {
            return switch (random.nextInt(7)) {
                case 0 -> "X-Note: " + "n".repeat(random.nextInt(10_000)) + "\r\n";
                case 1 -> "X-Note: a\u0000b\r\n";
                case 2 -> "X Bad: name\r\n";
                case 3 -> "Connection: close\r\n";
                case 4 -> "Expect: 100-continue\r\n";
                case 5 -> "Upgrade: h2c\r\nConnection: Upgrade\r\n";
                default -> " folded\r\n";
            };
        }

        /** Ends the head, with no body or one whose framing is right, wrong or conflicting. */
        private void body(StringBuilder request) {
            if (!odd()) {
                request.append("\r\n");
                return;
            }
            String body = "b".repeat(random.nextInt(chance(20) ? 6000 : 64));
            switch (random.nextInt(7)) {
                case 0 -> request.append("Content-Length: ").append(body.length())
                        .append("\r\n\r\n").append(body);
                case 1 -> request.append("Transfer-Encoding: chunked\r\n\r\n")
                        .append(Integer.toHexString(body.length() + 1)).append("\r\nx")
                        .append(body).append("\r\n0\r\n\r\n");
                case 2 -> request.append("Transfer-Encoding: chunked\r\n\r\nzz\r\n").append(body)
                        .append("\r\n0\r\n\r\n");
                case 3 -> request.append("Content-Length: 3\r\nTransfer-Encoding: chunked")
                        .append("\r\n\r\n0\r\n\r\n");
                case 4 -> request.append("Transfer-Encoding: gzip\r\n\r\n");
                case 5 -> request.append("Content-Length: -1\r\n\r\n");
                default -> request.append("Content-Length: 1\r\nContent-Length: 2\r\n\r\nbb");
            }
        }

        private boolean odd() {
            return chance(hostility);
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private String pick(List<String> choices) {
            return choices.get(random.nextInt(choices.size()));
        }
    }
}
