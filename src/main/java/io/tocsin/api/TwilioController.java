package io.tocsin.api;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.Command;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.notify.AckLinks;
import io.tocsin.notify.DeliveryReports;
import io.tocsin.notify.TwilioSettings;
import io.tocsin.notify.TwilioSignature;
import io.tocsin.notify.Twiml;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What Twilio posts back: SMS replies ("12a"), keypad answers during a call, and delivery statuses.
 * These URLs are public, so nothing is believed before its X-Twilio-Signature checks out against
 * the URL Twilio was given (the public URL, never the Host header a proxy may have rewritten).
 */
@RestController
class TwilioController {
    private static final String XML = "text/xml;charset=UTF-8";
    /** "12a", "12 A", "INC-12 r", "12 ack", "12 resolve". */
    private static final Pattern REPLY = Pattern.compile("^(?:inc-?)?\\s*(\\d{1,18})\\s*(a|ack|acknowledge|r|res|resolve)\\.?$",
            Pattern.CASE_INSENSITIVE);
    private static final String HELP = "Reply with the incident number and a letter: 12a acknowledges incident 12, 12r resolves it.";

    private final TwilioSettings twilio;
    private final Incidents incidents;
    private final IncidentEngine engine;
    private final AckLinks links;
    private final DeliveryReports reports;

    TwilioController(TwilioSettings twilio, Incidents incidents, IncidentEngine engine, AckLinks links, DeliveryReports reports) {
        this.twilio = twilio;
        this.incidents = incidents;
        this.engine = engine;
        this.links = links;
        this.reports = reports;
    }

    @PostMapping("/api/v1/integrations/twilio/sms")
    ResponseEntity<String> sms(HttpServletRequest request) {
        Map<String, List<String>> params = bodyParams(request);
        if (!signed(request, params)) {
            return unsigned();
        }
        String from = first(params, "From");
        Optional<OrganisationConfig.Person> person = bySmsNumber(from);
        if (person.isEmpty()) {
            return xml(Twiml.message("This number is not on any Tocsin person's contact methods."));
        }
        Matcher m = REPLY.matcher(first(params, "Body").strip());
        if (!m.matches()) {
            return xml(Twiml.message(HELP));
        }
        long id = Long.parseLong(m.group(1));
        boolean resolve = Character.toLowerCase(m.group(2).charAt(0)) == 'r';
        return xml(Twiml.message(act(id, resolve, person.get().id(), "sms")));
    }

    @PostMapping("/api/v1/integrations/twilio/voice/{token}")
    ResponseEntity<String> voice(@PathVariable String token, HttpServletRequest request) {
        Map<String, List<String>> params = bodyParams(request);
        if (!signed(request, params)) {
            return unsigned();
        }
        Optional<AckLinks.Claim> claim = links.verifyCall(token);
        if (claim.isEmpty()) {
            return xml(Twiml.say("This call has expired. Use the link in your other messages. Goodbye."));
        }
        String digits = first(params, "Digits");
        if (!"1".equals(digits) && !"2".equals(digits)) {
            return xml(Twiml.gather("Press 1 to acknowledge incident " + claim.get().incidentId() + ", 2 to resolve it.",
                    twilio.voiceActionUrl(token)));
        }
        return xml(Twiml.say(act(claim.get().incidentId(), "2".equals(digits), claim.get().personId(), "voice") + " Goodbye."));
    }

    @PostMapping("/api/v1/integrations/twilio/status")
    ResponseEntity<String> status(HttpServletRequest request) {
        Map<String, List<String>> params = bodyParams(request);
        if (!signed(request, params)) {
            return unsigned();
        }
        boolean call = params.containsKey("CallSid") && !params.containsKey("MessageSid");
        String sid = call ? first(params, "CallSid") : first(params, "MessageSid");
        String status = call ? first(params, "CallStatus") : first(params, "MessageStatus");
        // Twilio's statuses and error codes are short words and numbers; the stored answer must fit its column.
        for (Map.Entry<String, String> f : Map.of(call ? "CallStatus" : "MessageStatus", status, "ErrorCode", first(params, "ErrorCode"),
                call ? "CallSid" : "MessageSid", sid).entrySet()) {
            if (f.getValue().length() > 60) {
                return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(f.getKey() + ": longer than 60 characters");
            }
        }
        reports.report(sid, status, first(params, "ErrorCode"));
        // Twilio only needs a 2xx; an unknown SID is not worth a retry from its side either.
        return ResponseEntity.noContent().build();
    }

    private String act(long id, boolean resolve, String personId, String via) {
        Command command = resolve ? new Command.Resolve(personId) : new Command.Acknowledge(personId);
        return incidents.command(id, command, personId, via)
                .map(r -> r.changed() ? r.incident().number() + " " + (resolve ? "resolved" : "acknowledged") + " by " + personId + "."
                        : r.incident().number() + ": no change, " + r.message() + ".")
                .orElse("There is no incident " + id + ".");
    }

    private Optional<OrganisationConfig.Person> bySmsNumber(String from) {
        String number = phone(from);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        return engine.organisation().people().values().stream()
                .filter(p -> p.contactMethods().stream().anyMatch(c -> "sms".equals(c.type()) && number.equals(phone(c.address()))))
                .findFirst();
    }

    /** "+40 700 000 001" and "+40700000001" are the same phone. */
    private static String phone(String s) {
        return s == null ? "" : s.replaceAll("[^0-9+]", "");
    }

    private boolean signed(HttpServletRequest request, Map<String, List<String>> params) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String url = twilio.publicUrl() + path + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        return TwilioSignature.valid(twilio.authToken(), url, params, request.getHeader("X-Twilio-Signature"));
    }

    /**
     * The POST body's parameters alone. The servlet API mixes query parameters in (first, per the
     * spec), but Twilio signs those as part of the URL, so they are taken out again.
     */
    private static Map<String, List<String>> bodyParams(HttpServletRequest request) {
        Map<String, Integer> inQuery = new HashMap<>();
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (!pair.isEmpty()) {
                    String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
                    inQuery.merge(name, 1, Integer::sum);
                }
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            List<String> body = new ArrayList<>(Arrays.asList(values).subList(Math.min(inQuery.getOrDefault(name, 0), values.length),
                    values.length));
            if (!body.isEmpty()) {
                out.put(name, body);
            }
        });
        return out;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static ResponseEntity<String> xml(String twiml) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(XML)).body(twiml);
    }

    private static ResponseEntity<String> unsigned() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.TEXT_PLAIN)
                .body("X-Twilio-Signature is missing or does not match this request");
    }
}
