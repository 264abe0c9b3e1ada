package io.github.ec2metadata.proxycache.token;

import java.util.Locale;

/** Whether the proxy serves reads that carry no session token (IMDSv1). */
public enum TokenMode {
    /** Refuse tokenless reads while IMDS itself refuses them. */
    MIRROR,
    /** Always refuse tokenless reads. */
    REQUIRED,
    /** Always serve tokenless reads. */
    OPTIONAL;

    /** Parses {@code imds.tokens.mode}; throws naming the property on a bad value. */
    public static TokenMode parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imds.tokens.mode: must be mirror, required or"
                    + " optional, was '" + value + "'", e);
        }
    }
}
