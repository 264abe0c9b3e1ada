package io.github.ec2metadata.proxycache.cache;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Decides whether an upstream answer may be cached and until when it is fresh, due for a
 * background refresh, and usable while IMDS fails. Pure: time comes in as arguments.
 */
final class Freshness {

    /**
     * IMDS issues new credentials at least this long before the current ones expire; see
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html
     */
    static final Duration IMDS_ROTATION_LEAD = Duration.ofMinutes(5);

    /** Credentials inside the refresh margin are never re-read more often than this. */
    static final Duration NEAR_EXPIRY_RECHECK = Duration.ofSeconds(10);

    /** Fraction of the fresh time after which a read triggers a background refresh. */
    private static final double REFRESH_AHEAD_AT = 0.8;

    private static final Pattern CREDENTIALS_PATH = Pattern.compile(
            "meta-data/(iam|identity-credentials/ec2)/security-credentials/[^/]+/?");

    private final Duration credentialsRefreshMargin;

    Freshness(Duration credentialsRefreshMargin) {
        this.credentialsRefreshMargin = credentialsRefreshMargin;
    }

    /**
     * The entry to keep for an answer, or {@code null} if it must not be cached: only 200 and 404
     * are kept, and credentials only when their {@code Code} is {@code Success} and they have not
     * expired.
     */
    CacheEntry entryFor(String target, MetadataAnswer answer, CacheRule rule, Instant nowWall) {
        long now = answer.receivedNanos();
        if (answer.status() == 404) {
            return entry(answer, now, rule.notFoundTtl(), rule.staleIfError());
        }
        if (answer.status() != 200) {
            return null;
        }
        if (!isCredentials(target)) {
            return entry(answer, now, rule.ttl(), rule.staleIfError());
        }
        Instant expiration = successfulExpiration(answer);
        if (expiration == null || !expiration.isAfter(nowWall)) {
            return null;
        }
        Duration validFor = Duration.between(nowWall, expiration);
        Duration fresh = credentialsFreshFor(validFor, rule.ttl());
        return entry(answer, now, fresh, min(rule.staleIfError(), validFor.minus(fresh)));
    }

    /**
     * Until the refresh margin, the rule's TTL. Inside it IMDS is still handing out the same
     * credentials; their successor is due by {@link #IMDS_ROTATION_LEAD} before Expiration, so
     * ask again at half the time left until then: a few reads per rotation, not one every few
     * seconds. Never past Expiration.
     */
    private Duration credentialsFreshFor(Duration validFor, Duration ttl) {
        Duration untilMargin = validFor.minus(credentialsRefreshMargin);
        if (untilMargin.compareTo(NEAR_EXPIRY_RECHECK) >= 0) {
            return min(ttl, untilMargin);
        }
        Duration halfUntilRotation = validFor.minus(IMDS_ROTATION_LEAD).dividedBy(2);
        Duration recheck = max(NEAR_EXPIRY_RECHECK, min(ttl, halfUntilRotation));
        return min(recheck, validFor);
    }

    static boolean isCredentials(String target) {
        return CREDENTIALS_PATH.matcher(CachePolicy.versionless(target)).matches();
    }

    /** The {@code Expiration} of a credentials document whose {@code Code} is Success. */
    static Instant successfulExpiration(MetadataAnswer answer) {
        try {
            JsonObject document = new JsonObject(answer.body());
            if (!"Success".equals(document.getString("Code"))) {
                return null;
            }
            String expiration = document.getString("Expiration");
            return expiration == null ? null : Instant.parse(expiration);
        } catch (DecodeException | ClassCastException | DateTimeParseException e) {
            return null;
        }
    }

    private static CacheEntry entry(MetadataAnswer answer, long now, Duration fresh,
            Duration stale) {
        long freshNanos = fresh.toNanos();
        long refreshFrom = now + (long) (freshNanos * REFRESH_AHEAD_AT);
        return new CacheEntry(answer, refreshFrom, now + freshNanos,
                now + freshNanos + stale.toNanos(), PathClass.OTHER, null);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
