package io.github.ec2metadata.proxycache.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Keeps the current IMDS credentials per kind and per IMDS version, rotating them like IMDS. */
final class CredentialIssuer {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(6);

    /** IMDS hands out a fresh set once the current one is this close to its Expiration. */
    static final Duration REFRESH_WINDOW = Duration.ofMinutes(5);

    /** The role credentials and the instance identity credentials rotate separately. */
    enum Kind { ROLE, IDENTITY }

    /** Real IMDS gives IMDSv1 and IMDSv2 callers different credential sets. */
    private record Slot(Kind kind, boolean withToken) {
    }

    private final Map<Slot, IssuedCredentials> current = new HashMap<>();
    private Duration lifetime = DEFAULT_LIFETIME;
    private Duration clockOffset = Duration.ZERO;

    synchronized IssuedCredentials current(Kind kind, boolean withToken) {
        Instant now = now();
        Slot slot = new Slot(kind, withToken);
        IssuedCredentials credentials = current.get(slot);
        if (credentials == null || credentials.expiresWithin(REFRESH_WINDOW, now)) {
            credentials = IssuedCredentials.issue(now, lifetime);
            current.put(slot, credentials);
        }
        return credentials;
    }

    CredentialIssuer() {
        rotateAll();
    }

    /** Issues a new set for every kind and IMDS version at once, as a rotation does. */
    synchronized void rotateAll() {
        Instant now = now();
        for (Kind kind : Kind.values()) {
            current.put(new Slot(kind, false), IssuedCredentials.issue(now, lifetime));
            current.put(new Slot(kind, true), IssuedCredentials.issue(now, lifetime));
        }
    }

    /** Applies to credentials issued from now on; current ones keep their Expiration. */
    synchronized void lifetime(Duration newLifetime) {
        lifetime = newLifetime;
    }

    synchronized void reset() {
        lifetime = DEFAULT_LIFETIME;
        clockOffset = Duration.ZERO;
        rotateAll();
    }

    /**
     * Moves the credentials' notion of now forward, so that a test whose proxy runs on a
     * manual clock can let credentials age and rotate in step with it.
     */
    synchronized void advanceClock(Duration by) {
        clockOffset = clockOffset.plus(by);
    }

    private Instant now() {
        return Instant.now().plus(clockOffset);
    }

    /** When the role credentials this caller sees last changed, for iam/info. */
    synchronized Instant roleLastUpdated(boolean withToken) {
        return current(Kind.ROLE, withToken).lastUpdated();
    }
}
