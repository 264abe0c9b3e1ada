package io.github.ec2metadata.proxycache.routes;

import io.github.ec2metadata.proxycache.token.SessionTokens;

/**
 * The answer to {@code PUT /latest/api/token}, given by the proxy itself as IMDS would give it:
 * the TTL must be an integer from 1 to 21600 (else 400), a request that came through a forwarder
 * ({@code X-Forwarded-For}) is refused (403), and so is a PUT to a dated path (403).
 */
final class TokenRoute {

    static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    static final String TOKEN_PATH = "/latest/api/token";

    private TokenRoute() {
    }

    /**
     * A token answer: 200 with the token, or a refusal with its one-line reason and the short
     * name of that reason for metrics.
     */
    record TokenAnswer(int status, String body, Integer ttlSeconds, String refusal) {
    }

    static TokenAnswer answer(String path, java.util.List<String> ttlHeaders,
            boolean forwarded, SessionTokens tokens) {
        if (!path.equals(TOKEN_PATH)) {
            return path.endsWith("/api/token")
                    ? refuse(403, "dated_path", "session tokens are issued only at " + TOKEN_PATH)
                    : refuse(405, "not_token_path", "PUT is served only at " + TOKEN_PATH);
        }
        if (forwarded) {
            return refuse(403, "forwarded",
                    "a request carrying X-Forwarded-For gets no session token");
        }
        if (ttlHeaders.size() != 1) {
            return refuse(400, "bad_ttl", "exactly one " + TTL_HEADER + " header is required");
        }
        int ttl = parseTtl(ttlHeaders.get(0));
        if (ttl < 1) {
            return refuse(400, "bad_ttl", TTL_HEADER
                    + " must be a whole number of seconds from 1 to "
                    + SessionTokens.MAX_TTL_SECONDS);
        }
        return new TokenAnswer(200, tokens.mint(ttl), ttl, null);
    }

    /** The TTL if it is plain decimal digits from 1 to 21600, else -1. */
    static int parseTtl(String value) {
        String digits = value.strip();
        if (digits.isEmpty() || digits.length() > 5) {
            return -1;
        }
        int ttl = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            ttl = ttl * 10 + (c - '0');
        }
        return ttl >= 1 && ttl <= SessionTokens.MAX_TTL_SECONDS ? ttl : -1;
    }

    private static TokenAnswer refuse(int status, String refusal, String reason) {
        return new TokenAnswer(status, reason + "\n", null, refusal);
    }
}
