package io.tocsin.ingest;


import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.incident.Signal;
import io.tocsin.incident.SignalResult;
import io.tocsin.config.Organisation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * PagerDuty Events API v2, wire-compatible: a PagerDuty client or monitoring tool works by changing
 * only its base URL. Answers in PagerDuty's own shapes, not problem details, because that is what
 * those clients parse.
 */
@RestController
class PagerDutyEventsController {
    static final int MAX_BYTES = 512 * 1024;

    private final Incidents incidents;
    private final IncidentEngine engine;
    private final Clock clock;
    private final EventRouter router = new EventRouter();
    private final RateLimiter limiter;

    PagerDutyEventsController(Incidents incidents, IncidentEngine engine, Clock clock, RateLimiter limiter) {
        this.incidents = incidents;
        this.engine = engine;
        this.clock = clock;
        this.limiter = limiter;
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "PagerDuty Events API v2: trigger, acknowledge or resolve an alert", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "A PagerDuty Events API v2 event: routing_key (the integration key), event_action (trigger, acknowledge, resolve), dedup_key, payload (summary, source, severity, custom_details...), links, images. Answered in PagerDuty's format."), examples = @io.swagger.v3.oas.annotations.media.ExampleObject(value = "{\"routing_key\": \"<integration key>\", \"event_action\": \"trigger\", \"dedup_key\": \"disk-full-db1\", \"payload\": {\"summary\": \"Disk full on db1\", \"source\": \"db1\", \"severity\": \"critical\"}}"))))
    @PostMapping(value = "/v2/enqueue", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> enqueue(HttpServletRequest request) throws IOException {
        return handle(request, false);
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "PagerDuty Events API v2: a change event, recorded on its service", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "A PagerDuty change event: routing_key, payload (summary, timestamp, source, custom_details), links."))))
    @PostMapping(value = "/v2/change/enqueue", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> change(HttpServletRequest request) throws IOException {
        return handle(request, true);
    }

    private ResponseEntity<Map<String, Object>> handle(HttpServletRequest request, boolean changeEvent) throws IOException {
        byte[] body = readLimited(request);
        if (body == null) {
            return answer(HttpStatus.CONTENT_TOO_LARGE, "invalid event", "Event object is too large",
                    List.of("request body exceeds 512 KB"));
        }
        PagerDutyEvent.Parsed parsed = PagerDutyEvent.parse(body, changeEvent);
        String routingKey = parsed.routingKey();
        // What is wrong with the key comes first, then what is wrong with the rest of the event.
        List<String> errors = new ArrayList<>();
        Organisation org = engine.organisation();
        Optional<Integrations.Match> match = Integrations.byKey(org, routingKey);
        if (routingKey != null && match.isEmpty()) {
            errors.add("'routing_key' is not a known integration key");
        } else if (match.isPresent() && !match.get().is("pagerduty")) {
            errors.add("'routing_key' " + match.get().wrongType("pagerduty"));
            match = Optional.empty();
        } else if (match.isPresent() && !match.get().service().enabled()) {
            errors.add("service '" + match.get().service().id() + "' is disabled");
        }
        errors.addAll(parsed.errors());
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        PagerDutyEvent event = parsed.event();
        Integrations.Match m = match.orElseThrow();
        if (changeEvent) {
            incidents.recordChange(m.service().id(), event.summary(), event.source(), event.details());
            return ResponseEntity.accepted().body(body("success", "Change event processed", null));
        }
        RateLimiter.Decision allowed = limiter.acquire(routingKey);
        if (!allowed.allowed()) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", String.valueOf(allowed.retryAfterSeconds()))
                    .body(body("throttle event", "Requests for this routing key are arriving too quickly", null));
        }
        String key = event.dedupKey() != null ? event.dedupKey() : HexFormat.of().formatHex(uuidBytes());
        Signal signal = router.route(org, new InboundEvent(m.service().id(), "pagerduty", key, event.action(),
                event.summary(), event.source(), event.severity(), event.labels(), event.details()), clock.instant());
        SignalResult result = incidents.accept(signal.from(m.origin()), "pagerduty");
        Map<String, Object> answer = body("success", "Event processed", null);
        answer.put("dedup_key", result.dedupKey());
        return ResponseEntity.accepted().body(answer);
    }

    private static ResponseEntity<Map<String, Object>> invalid(List<String> errors) {
        return answer(HttpStatus.BAD_REQUEST, "invalid event", "Event object is invalid", errors);
    }

    private static ResponseEntity<Map<String, Object>> answer(HttpStatus status, String word, String message, List<String> errors) {
        return ResponseEntity.status(status).body(body(word, message, errors));
    }

    /** PagerDuty's answer, its keys in PagerDuty's order (status, message, errors), which some clients' parsers expect. */
    private static Map<String, Object> body(String status, String message, List<String> errors) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", status);
        answer.put("message", message);
        if (errors != null) {
            answer.put("errors", errors);
        }
        return answer;
    }

    /** The body, or null when it is larger than the limit (checked while reading, not only by Content-Length). */
    static byte[] readLimited(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            return null;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            return bytes.length > MAX_BYTES ? null : bytes;
        }
    }

    private static byte[] uuidBytes() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return b.array();
    }
}
