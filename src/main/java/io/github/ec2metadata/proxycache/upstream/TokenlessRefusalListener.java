package io.github.ec2metadata.proxycache.upstream;

/** Told whenever IMDS answers a tokenless read with 401, the sign that it requires tokens. */
public interface TokenlessRefusalListener {

    void tokenlessReadRefused();
}
