package io.github.ec2metadata.proxycache.upstream;

import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The state of the proxy's own IMDSv2 session token: held and until when, due for renewal, or
 * refused by IMDS (then reads go tokenless until it is time to ask again). Time is passed in,
 * on the monotonic clock, so that renewal is tested by moving a clock.
 */
final class UpstreamSessionToken {

    /** How long to read tokenless before asking again when IMDS refused to issue a token. */
    static final Duration FALLBACK_RETRY = Duration.ofMinutes(5);

    /** A token is not used in its last seconds, so that it cannot expire while in flight. */
    private static final Duration EXPIRY_SAFETY = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(UpstreamSessionToken.class);

    private final Duration ttl;
    private volatile String token;
    private volatile long renewFromNanos;
    private volatile long usableUntilNanos;
    private volatile boolean fallingBack;
    private volatile long fallbackUntilNanos;

    UpstreamSessionToken(Duration ttl) {
        this.ttl = ttl;
    }

    long ttlSeconds() {
        return ttl.toSeconds();
    }

    /** The token if one is held and usable, else null. */
    String usable(long nowNanos) {
        String held = token;
        return held != null && nowNanos - usableUntilNanos < 0 ? held : null;
    }

    /** Whether a new token should be asked for now: past half of the token's life. */
    boolean renewalDue(long nowNanos) {
        return token == null || nowNanos - renewFromNanos >= 0;
    }

    /** Whether IMDS refused tokens recently enough that reads go tokenless for now. */
    boolean fallingBack(long nowNanos) {
        return fallingBack && nowNanos - fallbackUntilNanos < 0;
    }

    /** Nanoseconds until the held token ends, or -1 if none is held. */
    long remainingNanos(long nowNanos) {
        return token == null ? -1 : Math.max(0, usableUntilNanos - nowNanos);
    }

    synchronized void accepted(String newToken, long nowNanos) {
        boolean renewal = token != null;
        token = newToken;
        renewFromNanos = nowNanos + ttl.toNanos() / 2;
        usableUntilNanos = nowNanos + ttl.minus(EXPIRY_SAFETY).toNanos();
        if (fallingBack) {
            LOG.info("IMDS issues session tokens again; upstream reads use IMDSv2");
        } else {
            LOG.infof("%s the proxy's upstream session token, valid %d s",
                    renewal ? "Renewed" : "Obtained", ttl.toSeconds());
        }
        fallingBack = false;
    }

    synchronized void refused(int status, long nowNanos) {
        if (!fallingBack) {
            LOG.warnf("IMDS answered %d to the session token request; reading it as IMDSv1"
                    + " and asking again every %d minutes", status, FALLBACK_RETRY.toMinutes());
        }
        token = null;
        fallingBack = true;
        fallbackUntilNanos = nowNanos + FALLBACK_RETRY.toNanos();
    }

    /** Forgets a token that IMDS no longer accepts. */
    synchronized void discard(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }
}
