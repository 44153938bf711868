package io.tocsin.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing: {@code X-Slack-Signature = v0=hex(HMAC-SHA256(signing secret,
 * "v0:" + X-Slack-Request-Timestamp + ":" + raw body))}. The timestamp window stops a captured
 * button press from being replayed later; without a secret nothing is genuine, since anyone could
 * otherwise acknowledge any incident.
 */
final class SlackSignature {
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final byte[] secret;
    private final Clock clock;

    SlackSignature(String secret, Clock clock) {
        this.secret = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Why a request is not from Slack, or null when it is. */
    String rejection(String timestamp, String signature, byte[] body) {
        if (secret.length == 0) {
            return "no Slack signing secret is configured (tocsin.notify.slack.signing-secret)";
        }
        if (timestamp == null || signature == null) {
            return "X-Slack-Request-Timestamp and X-Slack-Signature are required";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "X-Slack-Request-Timestamp is not a number of seconds";
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > WINDOW.toSeconds()) {
            return "X-Slack-Request-Timestamp is more than " + WINDOW.toMinutes() + " minutes away from now";
        }
        byte[] expected = ("v0=" + sign(secret, timestamp.trim(), body)).getBytes(StandardCharsets.US_ASCII);
        // Constant time, so the signature cannot be guessed a byte at a time from response times.
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            return "X-Slack-Signature does not match";
        }
        return null;
    }

    static String sign(byte[] secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
