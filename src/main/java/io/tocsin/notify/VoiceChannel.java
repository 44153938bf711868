package io.tocsin.notify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A phone call through Twilio that reads the page and takes the answer on the keypad: 1
 * acknowledges, 2 resolves. The keypad answer goes to a URL holding a signed call token, so only the
 * person who was called can answer, and only for this incident.
 */
final class VoiceChannel implements Channel {
    private final TwilioApi twilio;
    private final AckLinks links;

    VoiceChannel(TwilioApi twilio, AckLinks links) {
        this.twilio = twilio;
        this.links = links;
    }

    @java.lang.Override
    public String type() {
        return "voice";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", m.address());
        form.put("From", twilio.settings().from());
        form.put("Twiml", twiml(m));
        form.put("StatusCallback", twilio.settings().statusCallbackUrl());
        return twilio.create("Calls", m.idempotencyKey(), form);
    }

    String twiml(Message m) {
        String number = TwilioApi.number(m.incidentId());
        String spoken = spoken(m);
        Optional<AckLinks.Claim> page = claim(m);
        if (page.isEmpty()) {
            return Twiml.say(spoken);
        }
        String action = twilio.settings().voiceActionUrl(links.callToken(page.get().incidentId(), page.get().personId()));
        return Twiml.gather("Tocsin page for incident " + number + ". " + spoken + " Press 1 to acknowledge, 2 to resolve.", action);
    }

    /** "[P1] api: disk full (INC-12)" read aloud as "P1 api: disk full." */
    private static String spoken(Message m) {
        String s = m.subject() == null ? "" : m.subject();
        if (m.incidentId() != null) {
            s = s.replace("(" + m.incidentId() + ")", "");
        }
        s = s.replaceAll("[\\[\\]]", "").strip();
        return s.endsWith(".") ? s : s + ".";
    }

    /**
     * The message names the incident but not the person; the signed acknowledgement link in it names
     * both, so the call token is made for exactly whom the link was made for.
     */
    private Optional<AckLinks.Claim> claim(Message m) {
        if (m.acknowledgeUrl() == null) {
            return Optional.empty();
        }
        String url = m.acknowledgeUrl();
        return links.verify(url.substring(url.lastIndexOf('/') + 1));
    }
}
