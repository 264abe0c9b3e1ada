package io.github.ec2metadata.proxycache.cache;

/**
 * What a cached answer is filed under: how it was asked for, and the request target (path and
 * query) exactly as the client sent it.
 */
public record CacheKey(Delivery delivery, String target) {

    @Override
    public String toString() {
        return (delivery == Delivery.TOKENED ? "v2 " : "v1 ") + target;
    }
}
