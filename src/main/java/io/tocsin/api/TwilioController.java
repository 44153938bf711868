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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @io.swagger.v3.oas.annotations.Operation(summary = "Twilio: an SMS reply (ack, resolve...), signed by Twilio", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/x-www-form-urlencoded",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Twilio's incoming-message parameters (From, Body, ...), verified with X-Twilio-Signature."))))
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
        Optional<TwilioCallback.Reply> reply = TwilioCallback.reply(first(params, "Body"));
        if (reply.isEmpty()) {
            return xml(Twiml.message(HELP));
        }
        return xml(Twiml.message(act(reply.get().incident(), reply.get().resolve(), person.get().id(), "sms")));
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Twilio: a key pressed during a voice page, signed by Twilio", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/x-www-form-urlencoded",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Twilio's Gather parameters (Digits, ...), verified with X-Twilio-Signature."))))
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

    @io.swagger.v3.oas.annotations.Operation(summary = "Twilio: a message's or call's delivery status, signed by Twilio", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/x-www-form-urlencoded",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Twilio's status callback parameters (MessageSid or CallSid, MessageStatus or CallStatus, ...), verified with X-Twilio-Signature."))))
    @PostMapping("/api/v1/integrations/twilio/status")
    ResponseEntity<String> status(HttpServletRequest request) {
        Map<String, List<String>> params = bodyParams(request);
        if (!signed(request, params)) {
            return unsigned();
        }
        TwilioCallback.Status status;
        try {
            status = TwilioCallback.status(params);
        } catch (BadRequestException e) {
            return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(e.field() + ": " + e.getMessage());
        }
        reports.report(status.sid(), status.status(), status.errorCode());
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

    private static Map<String, List<String>> bodyParams(HttpServletRequest request) {
        return TwilioCallback.bodyParams(request.getQueryString(), request.getParameterMap());
    }

    private static String first(Map<String, List<String>> params, String name) {
        return TwilioCallback.first(params, name);
    }

    private static ResponseEntity<String> xml(String twiml) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(XML)).body(twiml);
    }

    private static ResponseEntity<String> unsigned() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.TEXT_PLAIN)
                .body("X-Twilio-Signature is missing or does not match this request");
    }
}
