package io.github.ec2metadata.proxycache.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.support.ManualClock;
import io.github.ec2metadata.proxycache.support.TestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private static final String KEY = "a-signing-key-of-at-least-32-characters";

    private final ManualClock clock = new ManualClock();

    @Test
    void tokenIsValidForItsWholeTtlAndNotAfter() {
        SessionTokens tokens = tokens(KEY);
        String token = tokens.mint(60);

        clock.advance(Duration.ofSeconds(60).minusMillis(1));
        assertTrue(tokens.isValid(token));

        clock.advance(Duration.ofSeconds(1));
        assertFalse(tokens.isValid(token));
    }

    @Test
    void tokensSurviveARestartWithTheSameConfiguredKey() {
        String token = tokens(KEY).mint(300);

        assertTrue(tokens(KEY).isValid(token));
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() {
        String token = tokens(KEY).mint(300);

        assertFalse(tokens("another-signing-key-of-32-characters-or-more").isValid(token));
    }

    @Test
    void withoutAConfiguredKeyEachStartSignsDifferently() {
        String token = tokens(null).mint(300);

        assertFalse(tokens(null).isValid(token));
    }

    @Test
    void everyFlippedBitIsNoticed() {
        SessionTokens tokens = tokens(KEY);
        String token = tokens.mint(300);
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String flipped = token.substring(0, i) + (char) (c == 'A' ? 'B' : 'A')
                    + token.substring(i + 1);
            assertFalse(tokens.isValid(flipped), "flipped at " + i);
        }
    }

    @Test
    void garbageIsRefusedWithoutError() {
        SessionTokens tokens = tokens(KEY);

        assertFalse(tokens.isValid(""));
        assertFalse(tokens.isValid("%%%"));
        assertFalse(tokens.isValid("\u0000".repeat(76)));
        assertFalse(tokens.isValid("A".repeat(76)));
    }

    private SessionTokens tokens(String key) {
        ProxyConfig config = key == null
                ? TestConfig.of(Map.of())
                : TestConfig.of(Map.of("imds.tokens.signing-key", key));
        return new SessionTokens(config, clock);
    }
}
