package io.github.ec2metadata.proxycache.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StartupCheckTest {

    @Test
    void defaultsPass() {
        assertDoesNotThrow(() -> StartupCheck.validate(TestConfig.of(Map.of())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "imds.upstream.url | https://169.254.169.254 | imds.upstream.url:",
        "imds.upstream.url | 169.254.169.254 | imds.upstream.url:",
        "imds.upstream.max-connections | 0 | imds.upstream.max-connections:",
        "imds.upstream.deadline | 0s | imds.upstream.deadline:",
        "imds.upstream.attempt-timeout | -1s | imds.upstream.attempt-timeout:",
        "imds.upstream.token-ttl | 21601s | imds.upstream.token-ttl:",
        "imds.upstream.token-ttl | 10s | imds.upstream.token-ttl:",
        "imds.cache.max-entries | 0 | imds.cache.max-entries:",
        "imds.tokens.mode | sometimes | imds.tokens.mode:",
        "imds.tokens.signing-key | short | imds.tokens.signing-key:",
        "imds.answers.cache-status-header | X Cache | imds.answers.cache-status-header:",
        "imds.clients.allow | 10.0.0.0/8,not-an-address | imds.clients.allow:",
        "imds.paths.deny | /latest/user-data | imds.paths.deny:",
    })
    void badValueStopsStartUpNamingTheProperty(String property, String value, String message) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StartupCheck.validate(TestConfig.of(Map.of(property, value))));

        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    @Test
    void aShortSigningKeyIsNeverEchoed() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StartupCheck.validate(TestConfig.of(
                        Map.of("imds.tokens.signing-key", "secret-value"))));

        assertFalse(refused.getMessage().contains("secret-value"));
    }
}
