package io.github.ec2metadata.proxycache.routes;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * The checks every request passes before anything else happens: an allowed method, an
 * origin-form target with no dot segments or control characters, HTTP/1.0 or 1.1, and a body
 * only where one is read (the token PUT), framed plainly. What fails is refused here, before
 * the cache or IMDS is touched, because such requests are how a proxy is abused to reach
 * somewhere else, or to make it misread where one request ends.
 */
final class RequestAdmission {

    private RequestAdmission() {
    }

    /** Why a request is refused, as status and one line; null when it is admitted. */
    record Refusal(int status, String reason) {
    }

    static final Refusal METHOD_NOT_ALLOWED =
            new Refusal(405, "only GET, HEAD and PUT (of a session token) are served");

    /** Largest request body read, the token PUT's; IMDS clients send none. */
    static final int MAX_BODY_BYTES = 4096;

    static final Refusal BODY_TOO_LARGE =
            new Refusal(413, "a request body may hold at most " + MAX_BODY_BYTES + " bytes");

    static Refusal check(HttpMethod method, String target) {
        if (method == HttpMethod.CONNECT) {
            return new Refusal(400, "CONNECT is not served: this is not a forward proxy");
        }
        if (target.isEmpty() || target.charAt(0) != '/') {
            return new Refusal(400, "the request target must be a path starting with '/'");
        }
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.PUT) {
            return METHOD_NOT_ALLOWED;
        }
        if (hasControlCharacter(target)) {
            return new Refusal(400, "the request target holds a control character");
        }
        if (hasDotSegment(target)) {
            return new Refusal(400, "the path holds a '.' or '..' segment");
        }
        return null;
    }

    /**
     * The checks on version and body framing, for a request whose method and target passed
     * {@link #check}. Netty has already refused malformed and conflicting lengths.
     */
    static Refusal checkFraming(HttpMethod method, HttpVersion version, MultiMap headers) {
        if (version != HttpVersion.HTTP_1_0 && version != HttpVersion.HTTP_1_1) {
            return new Refusal(400, "only HTTP/1.0 and HTTP/1.1 are served");
        }
        List<String> codings = headers.contains(HttpHeaders.TRANSFER_ENCODING)
                ? headers.getAll(HttpHeaders.TRANSFER_ENCODING)
                : List.of();
        if (!codings.isEmpty()
                && (codings.size() > 1 || !"chunked".equalsIgnoreCase(codings.get(0).strip()))) {
            return new Refusal(400, "the only transfer coding understood is a single 'chunked'");
        }
        long declared = declaredLength(headers.get(HttpHeaders.CONTENT_LENGTH));
        if (declared < 0) {
            return new Refusal(400, "the Content-Length is not a number");
        }
        if (declared > MAX_BODY_BYTES) {
            return BODY_TOO_LARGE;
        }
        boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
        if (read && (declared > 0 || !codings.isEmpty())) {
            return new Refusal(400, "a metadata read carries no body");
        }
        return null;
    }

    /** Whether the request announces a body: a positive Content-Length, or chunks. */
    static boolean announcesBody(MultiMap headers) {
        return headers.contains(HttpHeaders.TRANSFER_ENCODING)
                || declaredLength(headers.get(HttpHeaders.CONTENT_LENGTH)) != 0;
    }

    /** The Content-Length, 0 when absent, -1 when it is not a plain number. */
    private static long declaredLength(String value) {
        if (value == null) {
            return 0;
        }
        String digits = value.strip();
        if (digits.isEmpty() || digits.length() > 18
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** A raw control character, or a percent-encoded NUL, CR or LF. */
    private static boolean hasControlCharacter(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
            if (c == '%' && (target.regionMatches(i, "%00", 0, 3)
                    || target.regionMatches(true, i, "%0a", 0, 3)
                    || target.regionMatches(true, i, "%0d", 0, 3))) {
                return true;
            }
        }
        return false;
    }

    /** A segment that is {@code .} or {@code ..}, written plainly or percent-encoded. */
    private static boolean hasDotSegment(String target) {
        int query = target.indexOf('?');
        int end = query < 0 ? target.length() : query;
        int start = 1;
        while (start <= end) {
            int slash = target.indexOf('/', start);
            int segmentEnd = slash < 0 || slash > end ? end : slash;
            if (isDots(target, start, segmentEnd)) {
                return true;
            }
            start = segmentEnd + 1;
        }
        return false;
    }

    private static boolean isDots(String target, int start, int end) {
        int dots = 0;
        int i = start;
        while (i < end) {
            if (target.charAt(i) == '.') {
                i++;
            } else if (target.regionMatches(true, i, "%2e", 0, 3)) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots == 1 || dots == 2;
    }
}
