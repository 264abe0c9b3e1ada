package io.github.ec2metadata.proxycache.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** One set of temporary credentials, as IMDS hands them out for a role. */
record IssuedCredentials(
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        Instant lastUpdated,
        Instant expiration) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    static IssuedCredentials issue(Instant now, Duration lifetime) {
        return new IssuedCredentials(
                "ASIA" + randomKeyIdSuffix(),
                randomBase64(30),
                // Real session tokens are long; proxies must not assume small bodies.
                "IQoJb3JpZ2luX2VjE" + randomBase64(600),
                now,
                now.plus(lifetime));
    }

    boolean expiresWithin(Duration window, Instant now) {
        return !now.isBefore(expiration.minus(window));
    }

    /** The credential document exactly as IMDS pretty-prints it. */
    String toImdsJson() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Code", "Success");
        document.put("LastUpdated", ImdsTime.iso(lastUpdated));
        document.put("Type", "AWS-HMAC");
        document.put("AccessKeyId", accessKeyId);
        document.put("SecretAccessKey", secretAccessKey);
        document.put("Token", sessionToken);
        document.put("Expiration", ImdsTime.iso(expiration));
        return ImdsJson.pretty(document);
    }

    private static String randomKeyIdSuffix() {
        StringBuilder suffix = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            suffix.append(KEY_ID_ALPHABET.charAt(RANDOM.nextInt(KEY_ID_ALPHABET.length())));
        }
        return suffix.toString();
    }

    private static String randomBase64(int byteCount) {
        byte[] raw = new byte[byteCount];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }
}
