package io.tocsin.notify;

import io.tocsin.config.PublicUrl;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Twilio account this server sends SMS and places calls with, and the public address Twilio
 * calls back on. Without an account SID there is no SMS or voice channel, and inbound Twilio
 * callbacks are refused because their signatures cannot be checked.
 */
@Component
public class TwilioSettings {
    private final String baseUrl;
    private final String accountSid;
    private final String authToken;
    private final String from;
    private final PublicUrl publicUrl;

    TwilioSettings(@Value("${tocsin.notify.twilio.base-url:https://api.twilio.com}") String baseUrl,
                   @Value("${tocsin.notify.twilio.account-sid:}") String accountSid,
                   @Value("${tocsin.notify.twilio.auth-token:}") String authToken,
                   @Value("${tocsin.notify.twilio.from:}") String from,
                   PublicUrl publicUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.accountSid = accountSid.trim();
        this.authToken = authToken;
        this.from = from.trim();
        this.publicUrl = publicUrl;
    }

    public boolean configured() {
        return !accountSid.isEmpty();
    }

    public String authToken() {
        return authToken;
    }

    /** Where Twilio reaches this server; callbacks are signed over this URL, never over the Host header. */
    public String publicUrl() {
        return publicUrl.base();
    }

    String baseUrl() {
        return baseUrl;
    }

    String accountSid() {
        return accountSid;
    }

    String from() {
        return from;
    }

    String statusCallbackUrl() {
        return publicUrl.resolve("/api/v1/integrations/twilio/status");
    }

    public String voiceActionUrl(String callToken) {
        return publicUrl.resolve("/api/v1/integrations/twilio/voice/" + callToken);
    }

    @java.lang.Override
    public String toString() {
        return "TwilioSettings[" + baseUrl + ", account " + accountSid + "]";
    }
}
