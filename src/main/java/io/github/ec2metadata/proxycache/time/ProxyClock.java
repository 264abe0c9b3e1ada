package io.github.ec2metadata.proxycache.time;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The proxy's only source of time, so that freshness, expiry and renewal can be tested by moving
 * a clock instead of sleeping.
 */
@ApplicationScoped
public class ProxyClock {

    /** Monotonic time for ages and freshness, in nanoseconds from an arbitrary origin. */
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Wall-clock time, for comparing with the {@code Expiration} of credentials and tokens. */
    public Instant now() {
        return Instant.now();
    }
}
