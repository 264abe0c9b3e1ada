package io.github.ec2metadata.proxycache.access;

import io.github.ec2metadata.proxycache.cache.PathPattern;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Metadata paths this proxy refuses to read, as glob patterns over the path after its version
 * prefix (the cache rules' syntax); a pattern written {@code !pattern} excepts the paths it
 * matches, so {@code **,!meta-data/iam/security-credentials/**} serves role credentials only.
 *
 * <p>Note: the proxy passes targets to IMDS exactly as clients wrote them, and IMDS's own
 * decoding of them is not documented. So a target is matched in a form that errs towards
 * refusing: percent-decoded again and again, backslashes as slashes, empty and {@code .}
 * segments dropped, {@code ..} applied, and letter case ignored. {@code /latest/%75ser-data}
 * and {@code /latest//USER-DATA/} are refused by the pattern {@code user-data}.
 */
final class DeniedPaths {

    /** Enough rounds of decoding for any nesting a real client would produce. */
    private static final int MAX_DECODING_ROUNDS = 4;

    private final List<PathPattern> denied;
    private final List<PathPattern> excepted;

    private DeniedPaths(List<PathPattern> denied, List<PathPattern> excepted) {
        this.denied = denied;
        this.excepted = excepted;
    }

    /** Compiles the patterns; throws {@link IllegalArgumentException} naming a bad one. */
    static DeniedPaths compile(List<String> patterns) {
        List<PathPattern> denied = new ArrayList<>();
        List<PathPattern> excepted = new ArrayList<>();
        for (String written : patterns) {
            String glob = written.strip().toLowerCase(Locale.ROOT);
            boolean exception = glob.startsWith("!");
            PathPattern pattern = PathPattern.compile(exception ? glob.substring(1) : glob);
            (exception ? excepted : denied).add(pattern);
        }
        if (denied.isEmpty() && !excepted.isEmpty()) {
            throw new IllegalArgumentException("only exceptions ('!') were given; say what is"
                    + " denied first, for example '**'");
        }
        return new DeniedPaths(List.copyOf(denied), List.copyOf(excepted));
    }

    boolean isEmpty() {
        return denied.isEmpty();
    }

    /** Whether the read of this request target (path and query, as sent) is refused. */
    boolean denies(String target) {
        if (denied.isEmpty()) {
            return false;
        }
        String path = versionless(canonical(target));
        return matchesAny(denied, path) && !matchesAny(excepted, path);
    }

    @Override
    public String toString() {
        List<String> written = new ArrayList<>();
        denied.forEach(pattern -> written.add(pattern.toString()));
        excepted.forEach(pattern -> written.add("!" + pattern));
        return written.toString();
    }

    /** The target's path as IMDS might understand it at the most: see the class comment. */
    static String canonical(String target) {
        String path = target.substring(0, firstIndexOf(target, '?', '#'));
        for (int round = 0; round < MAX_DECODING_ROUNDS; round++) {
            String decoded = percentDecoded(path);
            if (decoded.equals(path)) {
                break;
            }
            path = decoded;
        }
        path = path.replace('\\', '/').toLowerCase(Locale.ROOT);
        return "/" + String.join("/", resolvedSegments(path));
    }

    /** The path without its first segment, the version ({@code latest}, a date, 1.0). */
    private static String versionless(String canonicalPath) {
        int afterVersion = canonicalPath.indexOf('/', 1);
        return afterVersion < 0 ? "" : canonicalPath.substring(afterVersion + 1);
    }

    private static Deque<String> resolvedSegments(String path) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                segments.pollLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
        }
        return segments;
    }

    /** Decodes every well-formed {@code %XX}, as bytes read as ISO-8859-1; others stay. */
    private static String percentDecoded(String text) {
        StringBuilder decoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = i + 2 < text.length() ? hexValue(text.charAt(i + 1)) : -1;
            int low = high >= 0 ? hexValue(text.charAt(i + 2)) : -1;
            if (c == '%' && high >= 0 && low >= 0) {
                decoded.append((char) (high * 16 + low));
                i += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = Character.toLowerCase(c);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static int firstIndexOf(String text, char one, char other) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == one || c == other) {
                return i;
            }
        }
        return text.length();
    }

    private static boolean matchesAny(List<PathPattern> patterns, String path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
