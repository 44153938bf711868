package io.tocsin.notify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generic webhook: a JSON body, an {@code Idempotency-Key} header (the same on every retry), and
 * {@code X-Tocsin-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))} with the timestamp
 * in {@code X-Tocsin-Timestamp}, so the receiver can check origin and reject replays.
 */
final class WebhookChannel implements Channel {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProviderCall call;
    private final String secret;
    private final java.time.Clock clock;

    WebhookChannel(ProviderCall call, String secret, java.time.Clock clock) {
        this.call = call;
        this.secret = secret;
        this.clock = clock;
    }

    @java.lang.Override
    public String type() {
        return "webhook";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("incident", m.incidentId());
        body.put("subject", m.subject());
        body.put("text", m.text());
        body.put("urgency", m.highUrgency() ? "high" : "low");
        body.put("acknowledge_url", m.acknowledgeUrl());
        body.put("resolve_url", m.resolveUrl());
        if (m.safeMode()) {
            // An automated action while the organisation is in safe mode: the system at the other end runs only its safe steps.
            body.put("safe_mode", true);
        }
        String json = JSON.writeValueAsString(body);
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(m.address()))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", m.idempotencyKey())
                .header("X-Tocsin-Timestamp", timestamp)
                .header("X-Tocsin-Signature", "v1=" + sign(secret, timestamp + "." + json))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (m.safeMode()) {
            request.header("X-Tocsin-Safe-Mode", "on");
        }
        return call.send(request, a -> SendResult.sent(String.valueOf(a.status())));
    }

    static String sign(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
