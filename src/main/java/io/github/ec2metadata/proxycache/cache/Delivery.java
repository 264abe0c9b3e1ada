package io.github.ec2metadata.proxycache.cache;

/**
 * How a client read reached the proxy: without a session token (IMDSv1) or with one (IMDSv2).
 * IMDS hands the two different role credentials, so their answers are fetched and kept apart.
 */
public enum Delivery {
    TOKENLESS,
    TOKENED
}
