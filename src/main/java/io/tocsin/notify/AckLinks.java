package io.tocsin.notify;

import io.tocsin.config.PublicUrl;
import io.tocsin.store.NotificationStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Signed, expiring links that acknowledge or resolve an incident as the person they were sent to.
 * The signing secret lives in the database, so a link made by one node is honoured by every other.
 */
@Component
public class AckLinks {
    /** What a valid link allows: {@code action} (acknowledge or resolve) on an incident, as a person. */
    public record Claim(long incidentId, String action, String personId, Instant expires) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    // Base64url never contains ':', so no link's signed text can equal a call token's.
    private static final String CALL = "call:";

    private final NotificationStore store;
    private final Clock clock;
    private final PublicUrl publicUrl;
    private final Duration lifetime;
    private volatile byte[] secret;

    AckLinks(NotificationStore store, Clock clock, PublicUrl publicUrl,
             @Value("${tocsin.notify.link-lifetime:24h}") Duration lifetime) {
        this.store = store;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.lifetime = lifetime;
    }

    public String url(long incidentId, String action, String personId) {
        return publicUrl.resolve("/links/" + token("", incidentId, action, personId));
    }

    /**
     * Names the incident and person in a phone call's keypad callback. Signed under its own prefix,
     * so a call token is no acknowledgement link and a link is no call token.
     */
    public String callToken(long incidentId, String personId) {
        return token(CALL, incidentId, "call", personId);
    }

    public Optional<Claim> verifyCall(String token) {
        return verify(CALL, token).filter(c -> "call".equals(c.action()));
    }

    private String token(String domain, long incidentId, String action, String personId) {
        Instant expires = clock.instant().plus(lifetime);
        String payload = incidentId + "|" + action + "|" + personId + "|" + expires.getEpochSecond();
        String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + B64.encodeToString(mac(domain + encoded));
    }

    /** The claim of a genuine, unexpired link; empty for anything else (forged, altered, expired). */
    public Optional<Claim> verify(String token) {
        return verify("", token);
    }

    private Optional<Claim> verify(String domain, String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = token.substring(0, dot);
        byte[] given;
        try {
            given = D64.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(domain + encoded), given)) {
            return Optional.empty();
        }
        String[] parts = new String(D64.decode(encoded), StandardCharsets.UTF_8).split("\\|");
        if (parts.length != 4) {
            return Optional.empty();
        }
        Claim claim = new Claim(Long.parseLong(parts[0]), parts[1], parts[2], Instant.ofEpochSecond(Long.parseLong(parts[3])));
        return claim.expires().isAfter(clock.instant()) ? Optional.of(claim) : Optional.empty();
    }

    private byte[] mac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private byte[] secret() {
        byte[] s = secret;
        if (s == null) {
            String value = store.secret("ack-links", () -> {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                return Base64.getEncoder().encodeToString(random);
            });
            s = Base64.getDecoder().decode(value);
            secret = s;
        }
        return s;
    }
}
