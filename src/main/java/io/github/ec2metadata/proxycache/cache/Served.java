package io.github.ec2metadata.proxycache.cache;

/** The answer a client gets and how it was obtained. */
public record Served(MetadataAnswer answer, Outcome outcome) {
}
