package io.github.ec2metadata.proxycache.cache;

/** The answer a client gets, how it was obtained, and the kind of path it was for. */
public record Served(MetadataAnswer answer, Outcome outcome, PathClass pathClass) {
}
