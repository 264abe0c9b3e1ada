package io.github.ec2metadata.proxycache.cache;

import java.util.regex.Pattern;

/**
 * A glob over a metadata path after its version prefix: {@code *} matches within one segment,
 * {@code **} matches any number of whole segments, and a trailing slash is ignored on both sides
 * because IMDS answers a path the same with or without one. Cache rules and access rules share
 * this syntax.
 */
public final class PathPattern {

    private final String glob;
    private final Pattern regex;

    private PathPattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /** Compiles a glob; throws {@link IllegalArgumentException} naming what is wrong. */
    public static PathPattern compile(String glob) {
        String trimmed = glob.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a path pattern is empty");
        }
        if (trimmed.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + glob
                    + "' starts with '/': write it without the version prefix, like meta-data/**");
        }
        return new PathPattern(trimmed, Pattern.compile(toRegex(withoutTrailingSlash(trimmed))));
    }

    public boolean matches(String versionlessPath) {
        return regex.matcher(withoutTrailingSlash(versionlessPath)).matches();
    }

    @Override
    public String toString() {
        return glob;
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (glob.startsWith("/**", i)) {
                regex.append("(/.*)?");
                i += 2;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private static String withoutTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
