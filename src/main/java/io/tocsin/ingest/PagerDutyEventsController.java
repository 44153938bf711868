package io.tocsin.ingest;


import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.incident.Signal;
import io.tocsin.incident.SignalResult;
import io.tocsin.config.Organisation;
import io.tocsin.store.Columns;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PagerDuty Events API v2, wire-compatible: a PagerDuty client or monitoring tool works by changing
 * only its base URL. Answers in PagerDuty's own shapes, not problem details, because that is what
 * those clients parse.
 */
@RestController
class PagerDutyEventsController {
    static final int MAX_BYTES = 512 * 1024;
    // A key given twice is refused rather than guessed at, as on the rest of the API.
    private static final JsonMapper JSON = JsonMapper.builder().enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");

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

    @PostMapping(value = "/v2/enqueue", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> enqueue(HttpServletRequest request) throws IOException {
        return handle(request, false);
    }

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
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (tools.jackson.core.JacksonException e) {
            return invalid(List.of("request body is not valid JSON" + (io.tocsin.config.InputErrors.isSyntax(e) ? ""
                    : ": " + io.tocsin.config.InputErrors.describe(e))));
        }
        if (event == null || !event.isObject()) {
            return invalid(List.of("event must be a JSON object"));
        }
        String routingKey = text(event, "routing_key");
        List<String> errors = new ArrayList<>();
        if (routingKey == null) {
            errors.add("'routing_key' is missing or blank");
        }
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
        // Clients send every optional field, null when unset (the Java client does on each trigger): null is absent.
        for (String list : List.of("links", "images")) {
            if (present(event, list) && !event.get(list).isArray()) {
                errors.add("'" + list + "' must be an array");
            }
        }
        if (changeEvent) {
            return changeEvent(event, errors, match);
        }
        String action = text(event, "event_action");
        boolean knownAction = action != null && ACTIONS.contains(action);
        if (!knownAction) {
            errors.add("'event_action' must be one of trigger, acknowledge, resolve");
        }
        String dedupKey = text(event, "dedup_key");
        tooLong(errors, "dedup_key", dedupKey, Columns.DEDUP_KEY);
        // Only a trigger's payload means anything: PagerDuty ignores it on acknowledge and resolve, where
        // clients fill it with placeholders ("BLANK"), so it is neither checked nor used there.
        JsonNode payload = "trigger".equals(action) ? event.get("payload") : null;
        if ("trigger".equals(action)) {
            if (payload == null || !payload.isObject()) {
                errors.add("'payload' is missing");
            } else {
                String summary = text(payload, "summary");
                if (summary == null) {
                    errors.add("'payload.summary' is missing or blank");
                }
                tooLong(errors, "payload.summary", summary, Columns.SUMMARY);
                if (text(payload, "source") == null) {
                    errors.add("'payload.source' is missing or blank");
                }
                tooLong(errors, "payload.source", text(payload, "source"), Columns.SOURCE);
                String severity = text(payload, "severity");
                if (severity == null || !SEVERITIES.contains(severity)) {
                    errors.add("'payload.severity' must be one of critical, error, warning, info");
                }
                if (present(payload, "custom_details") && !payload.get("custom_details").isObject()
                        && !payload.get("custom_details").isString()) {
                    errors.add("'payload.custom_details' must be an object");
                }
            }
        } else if (knownAction && dedupKey == null) {
            errors.add("'dedup_key' is required for " + action + " events");
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        RateLimiter.Decision allowed = limiter.acquire(routingKey);
        if (!allowed.allowed()) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", String.valueOf(allowed.retryAfterSeconds()))
                    .body(body("throttle event", "Requests for this routing key are arriving too quickly", null));
        }
        String key = dedupKey != null ? dedupKey : HexFormat.of().formatHex(uuidBytes());
        Map<String, String> labels = new HashMap<>();
        String summary = null;
        String source = null;
        String severity = null;
        if (payload != null && payload.isObject()) {
            summary = text(payload, "summary");
            source = text(payload, "source");
            severity = text(payload, "severity");
            for (String f : List.of("component", "group", "class")) {
                if (text(payload, f) != null) {
                    labels.put(f, text(payload, f));
                }
            }
            JsonNode custom = payload.get("custom_details");
            if (custom != null && custom.isObject()) {
                for (Map.Entry<String, JsonNode> c : custom.properties()) {
                    if (!c.getValue().isNull()) {
                        labels.put(c.getKey(), c.getValue().isString() ? c.getValue().asString() : c.getValue().toString());
                    }
                }
            }
        }
        Signal.Action signalAction = Signal.Action.valueOf(action.toUpperCase());
        Integrations.Match m = match.get();
        Signal signal = router.route(org, new InboundEvent(m.service().id(), "pagerduty", key, signalAction,
                summary == null ? "" : summary, source == null ? "pagerduty" : source, severity, labels, event.toString()), clock.instant());
        SignalResult result = incidents.accept(signal.from(m.origin()), "pagerduty");
        Map<String, Object> answer = body("success", "Event processed", null);
        answer.put("dedup_key", result.dedupKey());
        return ResponseEntity.accepted().body(answer);
    }

    private ResponseEntity<Map<String, Object>> changeEvent(JsonNode event, List<String> errors, Optional<Integrations.Match> match) {
        JsonNode payload = event.get("payload");
        if (payload == null || !payload.isObject() || text(payload, "summary") == null) {
            errors.add("'payload.summary' is missing or blank");
        } else {
            tooLong(errors, "payload.summary", text(payload, "summary"), Columns.SUMMARY);
            tooLong(errors, "payload.source", text(payload, "source"), Columns.SOURCE);
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        incidents.recordChange(match.get().service().id(), text(payload, "summary"), text(payload, "source"), event.toString());
        return ResponseEntity.accepted().body(body("success", "Change event processed", null));
    }

    /** A value longer than the column that keeps it is refused here, in PagerDuty's words, not by the database. */
    private static void tooLong(List<String> errors, String field, String value, int max) {
        if (value != null && value.length() > max) {
            errors.add("'" + field + "' is longer than " + max + " characters");
        }
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

    /** Whether {@code field} is there and not null: a null optional field is the same as a missing one. */
    private static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
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

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode()) {
            return null;
        }
        String s = v.asString();
        return s == null || s.isBlank() ? null : s;
    }

    private static byte[] uuidBytes() {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return b.array();
    }
}
