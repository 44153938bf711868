package io.tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}): Base64(HMAC-SHA1(auth token, the URL as
 * Twilio called it followed by every POST parameter, sorted by name, as name then value)). It is
 * what tells a genuine Twilio callback from anyone who learned the callback URL.
 */
public final class TwilioSignature {
    private TwilioSignature() {
    }

    /** {@code params} are the POST body's parameters only; query parameters are already part of the URL. */
    public static String sign(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        // A name sent twice is signed with its values in order too, as Twilio's own libraries do.
        new TreeMap<>(params).forEach((name, values) -> values.stream().sorted()
                .forEach(v -> data.append(name).append(v)));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** Constant-time, so the answer time says nothing about how much of a forged signature was right. */
    public static boolean valid(String authToken, String url, Map<String, List<String>> params, String given) {
        if (authToken == null || authToken.isBlank() || given == null || given.isBlank()) {
            return false;
        }
        return MessageDigest.isEqual(sign(authToken, url, params).getBytes(StandardCharsets.UTF_8),
                given.trim().getBytes(StandardCharsets.UTF_8));
    }
}
