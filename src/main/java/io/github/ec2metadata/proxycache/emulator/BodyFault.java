package io.github.ec2metadata.proxycache.emulator;

import java.util.Locale;

/** How an IMDS answer body is damaged on the wire, to test proxies against bad upstreams. */
enum BodyFault {
    /** The body is sent whole. */
    NONE,
    /** Content-Length promises the whole body, half is sent, then the connection closes. */
    TRUNCATE,
    /** The body trickles out one byte every 200 ms. */
    DRIP,
    /**
     * Content-Length promises more than the body holds; the body is sent and the connection
     * stays open, so the client waits for bytes that never come.
     */
    OVERSTATED;

    static BodyFault parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bodyFault must be none, truncate, drip or overstated: " + name);
        }
    }
}
