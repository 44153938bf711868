package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates Messages and Calls through Twilio's REST API (2010-04-01). The SID Twilio answers with is
 * stored on the delivery, because status callbacks (undelivered, busy...) name nothing else.
 */
final class TwilioApi {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ProviderCall call;
    private final TwilioSettings settings;
    private final NotificationStore store;

    TwilioApi(ProviderCall call, TwilioSettings settings, NotificationStore store) {
        this.call = call;
        this.settings = settings;
        this.store = store;
    }

    TwilioSettings settings() {
        return settings;
    }

    /** {@code resource} is {@code Messages} or {@code Calls}. */
    SendResult create(String resource, String idempotencyKey, Map<String, String> form) {
        String url = settings.baseUrl() + "/2010-04-01/Accounts/" + URLEncoder.encode(settings.accountSid(), StandardCharsets.UTF_8)
                + "/" + resource + ".json";
        String credentials = settings.accountSid() + ":" + settings.authToken();
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        } catch (IllegalArgumentException e) {
            return SendResult.permanent("bad-base-url", "tocsin.notify.twilio.base-url gives an unusable URL: " + e.getMessage());
        }
        SendResult result = call.send(request, a -> accepted(a, idempotencyKey));
        return result.outcome() == SendResult.Outcome.SENT ? result : explained(result);
    }

    private SendResult accepted(ProviderCall.Answer a, String idempotencyKey) {
        String sid = "";
        String status = "";
        try {
            JsonNode json = JSON.readTree(a.body());
            sid = text(json, "sid");
            status = text(json, "status");
        } catch (RuntimeException unreadable) {
            // Twilio took it (2xx); sending again would page twice, so it counts as sent without a SID.
        }
        if (!sid.isEmpty()) {
            try {
                store.setProviderRef(idempotencyKey, sid);
            } catch (RuntimeException e) {
                // The message is out; losing the SID only costs the later status callbacks for it.
                return SendResult.sent(a.status() + " " + status + " " + sid + " (SID not stored: " + e.getMessage() + ")");
            }
        }
        return SendResult.sent((a.status() + " " + status + " " + (sid.isEmpty() ? "(no sid in answer)" : sid)).replaceAll(" +", " "));
    }

    /** Twilio's error body {code, message, more_info, status}: the code says what to fix (21211: bad To number). */
    private static SendResult explained(SendResult r) {
        if (r.detail() == null || !r.detail().trim().startsWith("{")) {
            return r;
        }
        String code;
        String message;
        try {
            JsonNode json = JSON.readTree(r.detail());
            code = json.path("code").isNumber() ? String.valueOf(json.path("code").asLong()) : text(json, "code");
            message = text(json, "message");
        } catch (RuntimeException cutOrNotJson) {
            return r;
        }
        if (code.isEmpty() && message.isEmpty()) {
            return r;
        }
        String status = r.providerStatus() + (code.isEmpty() ? "" : " code " + code);
        String detail = message.isEmpty() ? r.detail() : message;
        return r.outcome() == SendResult.Outcome.RETRY ? SendResult.retry(status, r.retryAfter(), detail)
                : SendResult.permanent(status, detail);
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? "" : n.isString() ? n.asString() : n.toString();
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** "INC-12" to "12": the number people type back in an SMS. */
    static String number(String incidentId) {
        return incidentId == null ? null : incidentId.replaceFirst("^INC-", "");
    }
}
