package io.github.ec2metadata.proxycache.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The spot interruption notice: absent until triggered, then a termination two minutes out. */
final class SpotNotice {

    /** AWS gives a spot instance two minutes' warning. */
    static final Duration WARNING = Duration.ofMinutes(2);

    private volatile Instant noticedAt;

    void trigger() {
        noticedAt = Instant.now();
    }

    void clear() {
        noticedAt = null;
    }

    boolean active() {
        return noticedAt != null;
    }

    Optional<Instant> noticeTime() {
        return Optional.ofNullable(noticedAt);
    }

    Optional<Instant> terminationTime() {
        return noticeTime().map(noticed -> noticed.plus(WARNING));
    }

    /** spot/instance-action: a one-line JSON object, unlike the pretty-printed documents. */
    String instanceActionJson() {
        String time = ImdsTime.iso(terminationTime().orElseThrow());
        return "{\"action\": \"terminate\", \"time\": \"" + time + "\"}";
    }

    /** events/recommendations/rebalance: a rebalance recommendation precedes interruption. */
    String rebalanceJson() {
        return "{\"noticeTime\": \"" + ImdsTime.iso(noticeTime().orElseThrow()) + "\"}";
    }
}
