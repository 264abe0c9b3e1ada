package io.github.ec2metadata.proxycache.cache;

/** How an answer was obtained, as told to the client in the cache status header. */
public enum Outcome {
    /** Fresh from the cache; IMDS was not asked. */
    HIT,
    /** Nothing fresh was held; IMDS was asked for this request (or one it waited on). */
    MISS,
    /** IMDS failed; an answer past its freshness, still inside its stale window, was served. */
    STALE,
    /** Fresh from the cache, near the end of its freshness: a background refresh was started. */
    REFRESH,
    /** IMDS failed and nothing usable was held. */
    ERROR
}
