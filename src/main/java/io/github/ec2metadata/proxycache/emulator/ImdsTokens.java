package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.MultiMap;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The IMDSv2 session token rules: issuing tokens on PUT and checking them on reads. */
final class ImdsTokens {

    static final String TOKEN_PATH = "/latest/api/token";
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    /** The spelling IMDS uses when it echoes the TTL back. */
    static final String TTL_RESPONSE_HEADER = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds";
    static final int MAX_TTL_SECONDS = 21600;

    /** Purge expired tokens once this many are held, so long benchmarks stay bounded. */
    private static final int PURGE_THRESHOLD = 10_000;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Long> expiryMillisByToken = new ConcurrentHashMap<>();

    /** True for {@code /latest/api/token} and its dated twins, which IMDS refuses. */
    static boolean isTokenPath(String path) {
        int versionEnd = path.indexOf('/', 1);
        return versionEnd > 0
                && path.startsWith("/api/token", versionEnd)
                && path.length() == versionEnd + "/api/token".length()
                && MetadataTree.isVersion(path.substring(1, versionEnd));
    }

    /**
     * Answers a token PUT. A configured refusal status wins, then IMDS's own checks in
     * its order: proxied requests, dated paths, then the TTL header.
     */
    ImdsAnswer answerPut(String path, MultiMap headers, int refusalStatus) {
        if (refusalStatus != 0) {
            return ImdsAnswer.error(refusalStatus);
        }
        // IMDS refuses tokens to anything that looks forwarded, so they cannot leave the host.
        if (headers.contains("X-Forwarded-For") || !TOKEN_PATH.equals(path)) {
            return ImdsAnswer.error(403);
        }
        String ttl = headers.get(TTL_HEADER);
        if (ttl == null || !DIGITS.matcher(ttl).matches()) {
            return ImdsAnswer.error(400);
        }
        int seconds = Integer.parseInt(ttl);
        if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
            return ImdsAnswer.error(400);
        }
        return ImdsAnswer.text(issue(seconds)).withHeader(TTL_RESPONSE_HEADER, ttl);
    }

    /** Null when the read may go on, else the 401 IMDS gives. */
    ImdsAnswer checkRead(String token, boolean tokenRequired) {
        if (token == null) {
            return tokenRequired ? ImdsAnswer.error(401) : null;
        }
        Long expiry = expiryMillisByToken.get(token);
        boolean valid = expiry != null && System.currentTimeMillis() < expiry;
        return valid ? null : ImdsAnswer.error(401);
    }

    /** Every token issued and not yet forgotten, for tests that look for leaks. */
    Set<String> issued() {
        return Set.copyOf(expiryMillisByToken.keySet());
    }

    void forgetAll() {
        expiryMillisByToken.clear();
    }

    private String issue(int ttlSeconds) {
        if (expiryMillisByToken.size() >= PURGE_THRESHOLD) {
            long now = System.currentTimeMillis();
            expiryMillisByToken.values().removeIf(expiry -> expiry <= now);
        }
        byte[] raw = new byte[40];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().encodeToString(raw);
        expiryMillisByToken.put(token, System.currentTimeMillis() + ttlSeconds * 1000L);
        return token;
    }
}
