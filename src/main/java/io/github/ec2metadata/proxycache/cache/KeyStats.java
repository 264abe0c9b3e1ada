package io.github.ec2metadata.proxycache.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often each outcome was served for one key, carried from an entry to the entry that
 * replaces it, for the cache introspection of operators.
 */
public final class KeyStats {

    private final LongAdder[] byOutcome = new LongAdder[Outcome.values().length];

    KeyStats() {
        for (int i = 0; i < byOutcome.length; i++) {
            byOutcome[i] = new LongAdder();
        }
    }

    void count(Outcome outcome) {
        byOutcome[outcome.ordinal()].increment();
    }

    public long served(Outcome outcome) {
        return byOutcome[outcome.ordinal()].sum();
    }
}
