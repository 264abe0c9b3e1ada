package io.github.ec2metadata.proxycache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/role";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final long NOW_NANOS = 1_000_000_000_000L;
    private static final CacheRule RULE = new CacheRule("r", List.of(), Duration.ofMinutes(5),
            Duration.ofHours(1), Duration.ofSeconds(30));

    private final Freshness freshness = new Freshness(Duration.ofMinutes(20));

    @Test
    void ordinaryAnswerIsFreshForTheRuleTtlAndStaleForItsWindow() {
        CacheEntry entry = freshness.entryFor("/latest/meta-data/ami-id", answer(200, "ami"),
                RULE, NOW);

        assertTrue(entry.isFresh(NOW_NANOS + Duration.ofMinutes(5).toNanos() - 1));
        assertFalse(entry.isFresh(NOW_NANOS + Duration.ofMinutes(5).toNanos()));
        assertTrue(entry.isUsableWhileFailing(NOW_NANOS + Duration.ofMinutes(64).toNanos()));
        assertFalse(entry.isUsableWhileFailing(NOW_NANOS + Duration.ofMinutes(65).toNanos()));
    }

    @Test
    void notFoundIsKeptForTheNotFoundTtl() {
        CacheEntry entry = freshness.entryFor("/latest/meta-data/ipv6", answer(404, ""), RULE,
                NOW);

        assertFalse(entry.isFresh(NOW_NANOS + Duration.ofSeconds(30).toNanos()));
        assertTrue(entry.isFresh(NOW_NANOS + Duration.ofSeconds(29).toNanos()));
    }

    @Test
    void errorsAreNeverKept() {
        for (int status : new int[] {400, 401, 403, 405, 429, 500, 502, 503}) {
            assertNull(freshness.entryFor("/latest/meta-data/ami-id", answer(status, "x"), RULE,
                    NOW), "status " + status);
        }
    }

    @Test
    void credentialsAreFreshUntilTheirExpirationLessTheMargin() {
        CacheEntry entry = freshness.entryFor(CREDENTIALS, credentials("Success", 23), RULE, NOW);

        long freshFor = entry.freshUntilNanos() - NOW_NANOS;
        assertEquals(Duration.ofMinutes(3).toNanos(), freshFor);
        assertEquals(Duration.ofMinutes(23).toNanos(), entry.staleUntilNanos() - NOW_NANOS,
                "never usable past Expiration, not even stale");
    }

    @Test
    void credentialsFarFromExpiryAreFreshForTheRuleTtl() {
        CacheEntry entry = freshness.entryFor(CREDENTIALS, credentials("Success", 360), RULE,
                NOW);

        assertEquals(Duration.ofMinutes(5).toNanos(), entry.freshUntilNanos() - NOW_NANOS);
    }

    @Test
    void credentialsInsideTheMarginAreRecheckedSoonButNeverServedPastExpiration() {
        CacheEntry tenMinutes = freshness.entryFor(CREDENTIALS, credentials("Success", 10), RULE,
                NOW);
        CacheEntry fiveSeconds = freshness.entryFor(CREDENTIALS,
                credentialsExpiringIn(Duration.ofSeconds(5)), RULE, NOW);

        assertEquals(Duration.ofSeconds(150).toNanos(), tenMinutes.freshUntilNanos() - NOW_NANOS,
                "half the time until IMDS must have issued new credentials");
        assertEquals(Duration.ofSeconds(5).toNanos(), fiveSeconds.freshUntilNanos() - NOW_NANOS);
        assertEquals(Duration.ofSeconds(5).toNanos(), fiveSeconds.staleUntilNanos() - NOW_NANOS);
    }

    @Test
    void credentialsCloseToTheirLastRotationAreRecheckedEveryTenSeconds() {
        CacheEntry entry = freshness.entryFor(CREDENTIALS,
                credentialsExpiringIn(Duration.ofMinutes(5).plusSeconds(4)), RULE, NOW);

        assertEquals(Freshness.NEAR_EXPIRY_RECHECK.toNanos(),
                entry.freshUntilNanos() - NOW_NANOS);
    }

    @Test
    void credentialsThatFailedExpiredOrCannotBeReadAreNeverKept() {
        assertNull(freshness.entryFor(CREDENTIALS, credentials("InternalError", 60), RULE, NOW));
        assertNull(freshness.entryFor(CREDENTIALS,
                credentialsExpiringIn(Duration.ofSeconds(-1)), RULE, NOW));
        assertNull(freshness.entryFor(CREDENTIALS, answer(200, "{not json"), RULE, NOW));
        assertNull(freshness.entryFor(CREDENTIALS, answer(200, "{\"Code\":\"Success\"}"), RULE,
                NOW));
    }

    @Test
    void theRoleListingIsNotTakenForCredentials() {
        CacheEntry entry = freshness.entryFor("/latest/meta-data/iam/security-credentials/",
                answer(200, "role"), RULE, NOW);

        assertEquals(Duration.ofMinutes(5).toNanos(), entry.freshUntilNanos() - NOW_NANOS);
    }

    @Test
    void backgroundRefreshIsDueAfterFourFifthsOfTheFreshTime() {
        CacheEntry entry = freshness.entryFor("/latest/meta-data/ami-id", answer(200, "ami"),
                RULE, NOW);

        assertFalse(entry.wantsRefresh(NOW_NANOS + Duration.ofMinutes(4).toNanos() - 1));
        assertTrue(entry.wantsRefresh(NOW_NANOS + Duration.ofMinutes(4).toNanos()));
    }

    private static MetadataAnswer answer(int status, String body) {
        return new MetadataAnswer(status, Buffer.buffer(body), "text/plain", null, "EC2ws",
                NOW_NANOS);
    }

    private static MetadataAnswer credentials(String code, int minutesLeft) {
        return answer(200, document(code, NOW.plus(Duration.ofMinutes(minutesLeft))));
    }

    private static MetadataAnswer credentialsExpiringIn(Duration left) {
        return answer(200, document("Success", NOW.plus(left)));
    }

    private static String document(String code, Instant expiration) {
        return "{\n  \"Code\" : \"" + code + "\",\n  \"AccessKeyId\" : \"ASIAEXAMPLE\",\n"
                + "  \"Expiration\" : \"" + expiration + "\"\n}";
    }
}
