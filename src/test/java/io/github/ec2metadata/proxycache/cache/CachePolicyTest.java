package io.github.ec2metadata.proxycache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.TestConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CachePolicyTest {

    private static final Map<String, String> RULES = Map.of(
            "imds.cache.rules.spot.order", "20",
            "imds.cache.rules.spot.paths", "meta-data/spot/**",
            "imds.cache.rules.spot.ttl", "2s",
            "imds.cache.rules.facts.order", "70",
            "imds.cache.rules.facts.paths", "meta-data/instance-id,meta-data/placement/**",
            "imds.cache.rules.facts.ttl", "6h",
            "imds.cache.rules.facts.not-found-ttl", "1m",
            "imds.cache.rules.broad.order", "90",
            "imds.cache.rules.broad.paths", "meta-data/*",
            "imds.cache.rules.broad.ttl", "5m");

    @ParameterizedTest
    @CsvSource({
        "/latest/meta-data/spot/instance-action, spot",
        "/latest/meta-data/spot/, spot",
        "/latest/meta-data/spot, spot",
        "/2021-07-15/meta-data/spot/termination-time, spot",
        "/latest/meta-data/instance-id, facts",
        "/latest/meta-data/instance-id/, facts",
        "/latest/meta-data/instance-id?x=1, facts",
        "/latest/meta-data/placement/availability-zone, facts",
        "/latest/meta-data/ami-id, broad",
        "/latest/meta-data/iam/info, default",
        "/latest, default",
        "/, default",
    })
    void pathTakesTheFirstMatchingRuleInOrder(String target, String rule) {
        CachePolicy policy = CachePolicy.from(TestConfig.of(RULES).cache());

        assertEquals(rule, policy.ruleFor(target).name());
    }

    @Test
    void lowerOrderWinsWhereRulesOverlap() {
        Map<String, String> properties = new HashMap<>(RULES);
        properties.put("imds.cache.rules.broad.order", "1");
        CachePolicy policy = CachePolicy.from(TestConfig.of(properties).cache());

        assertEquals("broad", policy.ruleFor("/latest/meta-data/instance-id").name());
    }

    @Test
    void unmatchedPathsUseTheDefaults() {
        CacheRule fallback = CachePolicy.from(TestConfig.of(Map.of()).cache())
                .ruleFor("/latest/meta-data/anything");

        assertEquals(Duration.ofMinutes(10), fallback.ttl());
        assertEquals(Duration.ofHours(1), fallback.staleIfError());
        assertEquals(Duration.ofMinutes(1), fallback.notFoundTtl());
    }

    @Test
    void notFoundTtlDefaultsToTheRuleTtl() {
        CachePolicy policy = CachePolicy.from(TestConfig.of(RULES).cache());

        assertEquals(Duration.ofSeconds(2),
                policy.ruleFor("/latest/meta-data/spot/instance-action").notFoundTtl());
    }

    @Test
    void rulesCanBeGivenAndChangedByEnvironmentVariables() {
        Map<String, String> environment = Map.of(
                "IMDS_CACHE_RULES_SPOT_TTL", "1s",
                "IMDS_CACHE_RULES_MINE_PATHS", "meta-data/mine/**",
                "IMDS_CACHE_RULES_MINE_TTL", "7s",
                "IMDS_CACHE_RULES_MINE_ORDER", "5");
        CachePolicy policy = CachePolicy.from(TestConfig.of(RULES, environment).cache());

        assertEquals(Duration.ofSeconds(1), policy.ruleFor("/latest/meta-data/spot").ttl());
        assertEquals("mine", policy.ruleFor("/latest/meta-data/mine/x").name());
        assertEquals(Duration.ofSeconds(7), policy.ruleFor("/latest/meta-data/mine/x").ttl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "imds.cache.rules.spot.ttl | 0s | imds.cache.rules.spot.ttl: must be positive",
        "imds.cache.rules.spot.stale-if-error | -1s | imds.cache.rules.spot.stale-if-error",
        "imds.cache.rules.spot.not-found-ttl | 3s | imds.cache.rules.spot.not-found-ttl:"
                + " must not exceed the ttl",
        "imds.cache.rules.spot.paths | /latest/meta-data/spot | imds.cache.rules.spot.paths:",
        "imds.cache.default-ttl | 0s | imds.cache.default-ttl: must be positive",
    })
    void invalidRuleIsRefusedNamingTheProperty(String property, String value, String message) {
        Map<String, String> properties = new HashMap<>(RULES);
        properties.put(property, value);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> CachePolicy.from(TestConfig.of(properties).cache()));

        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }
}
