package io.github.ec2metadata.proxycache.routes;

import io.vertx.core.http.HttpMethod;

/**
 * The checks every request passes before anything else happens: an allowed method and an
 * origin-form target with no dot segments or control characters. What fails is refused here,
 * before the cache or IMDS is touched, because such requests are how a proxy is abused to reach
 * somewhere else.
 */
final class RequestAdmission {

    private RequestAdmission() {
    }

    /** Why a request is refused, as status and one line; null when it is admitted. */
    record Refusal(int status, String reason) {
    }

    static final Refusal METHOD_NOT_ALLOWED =
            new Refusal(405, "only GET, HEAD and PUT (of a session token) are served");

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
