package io.tocsin.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Tokens are random 256-bit values; only their SHA-256 is stored (invariant 7). A fast hash is
 * enough because the input has full entropy: there is nothing to brute-force.
 */
public final class TokenHash {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenHash() {
    }

    /**
     * A new token, never beginning with "-": one in 64 did, and a command line then read it as an option
     * ({@code --token -hDf1...}: "Expected parameter for option '--token'"). Drawn again in that case.
     */
    public static String newToken() {
        byte[] bytes = new byte[32];
        String token;
        do {
            RANDOM.nextBytes(bytes);
            token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (token.startsWith("-"));
        return token;
    }

    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
