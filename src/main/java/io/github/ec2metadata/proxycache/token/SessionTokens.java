package io.github.ec2metadata.proxycache.token;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and checks the IMDSv2 session tokens the proxy hands to clients. A token carries its
 * own expiry and an HMAC over it, so checking one needs no memory of having issued it: a storm
 * of token requests costs nothing to keep.
 */
@ApplicationScoped
public class SessionTokens {

    /** The largest TTL IMDS grants, in seconds. */
    public static final int MAX_TTL_SECONDS = 21600;

    private static final byte FORMAT = 1;
    private static final int RANDOM_BYTES = 16;
    private static final int SIGNED_BYTES = 1 + Long.BYTES + RANDOM_BYTES;
    private static final int MAC_BYTES = 32;
    private static final int TOKEN_BYTES = SIGNED_BYTES + MAC_BYTES;
    private static final int TOKEN_CHARS = (TOKEN_BYTES * 4 + 2) / 3;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ProxyClock clock;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Mac> macs;

    SessionTokens(ProxyConfig config, ProxyClock clock) {
        this.clock = clock;
        this.key = new SecretKeySpec(config.tokens().signingKey()
                .map(secret -> secret.getBytes(StandardCharsets.UTF_8))
                .orElseGet(this::randomKey), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** A new token valid for {@code ttlSeconds} from now (whole seconds, rounded up). */
    public String mint(int ttlSeconds) {
        Instant now = clock.now();
        long expiresAt = now.getEpochSecond() + ttlSeconds + (now.getNano() > 0 ? 1 : 0);
        byte[] token = new byte[TOKEN_BYTES];
        ByteBuffer signed = ByteBuffer.wrap(token);
        signed.put(FORMAT).putLong(expiresAt);
        byte[] nonce = new byte[RANDOM_BYTES];
        random.nextBytes(nonce);
        signed.put(nonce);
        signed.put(sign(token));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** Whether a token was minted with this proxy's key and has not expired. */
    public boolean isValid(String token) {
        if (token.length() != TOKEN_CHARS) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        if (bytes.length != TOKEN_BYTES || bytes[0] != FORMAT) {
            return false;
        }
        byte[] expected = sign(bytes);
        byte[] given = new byte[MAC_BYTES];
        System.arraycopy(bytes, SIGNED_BYTES, given, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, given)) {
            return false;
        }
        long expiresAt = ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
        return clock.now().getEpochSecond() < expiresAt;
    }

    private byte[] sign(byte[] token) {
        Mac mac = macs.get();
        mac.update(token, 0, SIGNED_BYTES);
        return mac.doFinal();
    }

    private byte[] randomKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
