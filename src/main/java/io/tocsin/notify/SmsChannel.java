package io.tocsin.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SMS through Twilio. A page fits in two segments (320 characters) and ends with the reply codes
 * ("12a" acknowledges incident 12), because a phone without data must still be able to answer.
 */
final class SmsChannel implements Channel {
    static final int MAX_LENGTH = 320;

    private final TwilioApi twilio;

    SmsChannel(TwilioApi twilio) {
        this.twilio = twilio;
    }

    @java.lang.Override
    public String type() {
        return "sms";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", m.address());
        form.put("From", twilio.settings().from());
        form.put("Body", body(m));
        form.put("StatusCallback", twilio.settings().statusCallbackUrl());
        return twilio.create("Messages", m.idempotencyKey(), form);
    }

    static String body(Message m) {
        String number = TwilioApi.number(m.incidentId());
        String codes = m.acknowledgeUrl() == null || number == null ? ""
                : " Reply " + number + "a to acknowledge, " + number + "r to resolve.";
        String text = m.subject() == null || m.subject().isBlank() ? m.text() : m.subject();
        text = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        int room = MAX_LENGTH - codes.length();
        if (text.length() > room) {
            text = text.substring(0, Math.max(0, room - 3)) + "...";
        }
        return text + codes;
    }
}
