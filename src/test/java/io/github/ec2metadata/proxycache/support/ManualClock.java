package io.github.ec2metadata.proxycache.support;

import io.github.ec2metadata.proxycache.time.ProxyClock;
import java.time.Duration;
import java.time.Instant;

/**
 * A clock for tests that stands still until moved: starts at the real time and advances only by
 * {@link #advance(Duration)}, both its monotonic and its wall reading.
 */
public class ManualClock extends ProxyClock {

    private final long startNanos = System.nanoTime();
    private final Instant startWall = Instant.now();
    private volatile long advancedNanos;

    @Override
    public long nanoTime() {
        return startNanos + advancedNanos;
    }

    @Override
    public Instant now() {
        return startWall.plusNanos(advancedNanos);
    }

    public void advance(Duration by) {
        advancedNanos += by.toNanos();
    }
}
