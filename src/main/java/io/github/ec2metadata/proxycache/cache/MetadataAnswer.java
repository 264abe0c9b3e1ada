package io.github.ec2metadata.proxycache.cache;

import io.vertx.core.buffer.Buffer;

/**
 * One answer as IMDS gave it (or as the proxy made it when IMDS could not be asked): status,
 * body bytes and the headers that are passed on, plus when it was received. Header values are
 * kept in the form Netty writes without re-encoding, since a cached answer is written often.
 *
 * @param receivedNanos {@link io.github.ec2metadata.proxycache.time.ProxyClock#nanoTime()} when
 *     the answer arrived, from which the {@code Age} header is computed
 */
public record MetadataAnswer(
        int status,
        Buffer body,
        CharSequence contentType,
        CharSequence lastModified,
        CharSequence server,
        long receivedNanos) {

    /** An answer of the proxy's own: a one-line plain-text body. */
    public static MetadataAnswer ofProxy(int status, String line, long nowNanos) {
        return new MetadataAnswer(status, Buffer.buffer(line + "\n"), "text/plain; charset=utf-8",
                null, null, nowNanos);
    }
}
