package io.tocsin.ingest;

import io.tocsin.engine.Paging;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.config.Durations;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.Incidents;
import io.tocsin.incident.Signal;
import io.tocsin.incident.SignalResult;
import io.tocsin.store.HeartbeatStore;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Alertmanager, Grafana, the generic JSON event and heartbeats. Each authenticates by the service's
 * integration key and answers 2xx only after the event is committed; bad input is a 4xx problem
 * naming the field, with nothing written.
 */
@RestController
class IntegrationsController {
    private final Incidents incidents;
    private final IncidentEngine engine;
    private final HeartbeatStore heartbeats;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final EventRouter router = new EventRouter();
    private final RateLimiter limiter;

    IntegrationsController(Incidents incidents, IncidentEngine engine, HeartbeatStore heartbeats, Clock clock,
                           TransactionTemplate tx, RateLimiter limiter) {
        this.incidents = incidents;
        this.engine = engine;
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.tx = tx;
        this.limiter = limiter;
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Prometheus Alertmanager webhook: one alert group", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Alertmanager's webhook payload (version 4): status, alerts[] with status, labels, annotations, startsAt, endsAt, fingerprint."))))
    @PostMapping("/api/v1/integrations/alertmanager/{key}")
    ResponseEntity<Object> alertmanager(@PathVariable String key, HttpServletRequest request) throws IOException {
        return alertGroup(key, "alertmanager", request);
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Grafana alerting webhook: one alert group", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "Grafana's webhook contact point payload: status, alerts[] with status, labels, annotations, startsAt, endsAt, fingerprint."))))
    @PostMapping("/api/v1/integrations/grafana/{key}")
    ResponseEntity<Object> grafana(@PathVariable String key, HttpServletRequest request) throws IOException {
        return alertGroup(key, "grafana", request);
    }

    private ResponseEntity<Object> alertGroup(String key, String integration, HttpServletRequest request) throws IOException {
        Organisation org = engine.organisation();
        Integrations.Match match = authenticate(org, key, integration, "key");
        AlertGroupParser.Parsed parsed = AlertGroupParser.parse(IngestJson.read(bytes(request)), match.service().id(), integration);
        if (!parsed.errors().isEmpty()) {
            throw new InvalidEvent(parsed.errors());
        }
        // Alertmanager does not retry a 429 (it waits for the group's next interval, five minutes by
        // default) but retries a 5xx with backoff, and so does Grafana: a batch over the rate is
        // answered 503, so its alerts arrive seconds late, not minutes.
        throttle(key, HttpStatus.SERVICE_UNAVAILABLE);
        Instant now = clock.instant();
        List<Signal> signals = parsed.events().stream().map(e -> router.route(org, e, now).from(match.origin())).toList();
        List<SignalResult> results = incidents.acceptAll(signals, integration);
        return ResponseEntity.ok(Map.of("status", "success", "alerts", results.size()));
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Generic event: trigger, acknowledge or resolve an alert", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
            schema = @io.swagger.v3.oas.annotations.media.Schema(type = "object", description = "action (trigger, the default; acknowledge; resolve), dedup_key (required but to trigger), summary (required to trigger), source, severity, labels (an object of strings), routing_key unless the X-Tocsin-Key header names the key. Every invalid field is listed at once."), examples = @io.swagger.v3.oas.annotations.media.ExampleObject(value = "{\"routing_key\": \"<integration key>\", \"action\": \"trigger\", \"dedup_key\": \"disk-full-db1\", \"summary\": \"Disk full on db1\", \"severity\": \"critical\", \"labels\": {\"host\": \"db1\"}}"))))
    @PostMapping("/api/v1/events")
    ResponseEntity<Object> event(@RequestHeader(value = "X-Tocsin-Key", required = false) String headerKey,
                                 HttpServletRequest request) throws IOException {
        GenericEvent.Keyed keyed = GenericEvent.read(bytes(request), headerKey);
        Organisation org = engine.organisation();
        Integrations.Match match = authenticate(org, keyed.key(), "generic", keyed.keyField());
        GenericEvent event = GenericEvent.of(keyed.body());
        throttle(keyed.key(), HttpStatus.TOO_MANY_REQUESTS);
        String dedupKey = event.dedupKey() != null ? event.dedupKey() : UUID.randomUUID().toString();
        Signal signal = router.route(org, new InboundEvent(match.service().id(), "generic", dedupKey, event.action(), event.summary(),
                event.source(), event.severity(), event.labels(), event.details()), clock.instant());
        SignalResult result = incidents.accept(signal.from(match.origin()), "events-api");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "accepted");
        answer.put("result", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        answer.put("dedup_key", result.dedupKey());
        answer.put("incident", result.incidentId() == null ? null : "INC-" + result.incidentId());
        return ResponseEntity.accepted().body(answer);
    }

    /** A beat: the next is due one interval from now; a beat after a miss resolves the heartbeat incident. */
    @PostMapping("/api/v1/heartbeats/{key}")
    ResponseEntity<Object> heartbeat(@PathVariable String key) {
        Organisation org = engine.organisation();
        Integrations.Match match = authenticate(org, key, "heartbeat", "key");
        Instant now = clock.instant();
        Instant next = now.plus(Durations.parse(match.integration().interval()));
        // One transaction: a beat that is recorded always resolves the incident its absence opened.
        Runnable record = () -> tx.executeWithoutResult(status -> {
            if (heartbeats.beat(key, match.service().id(), now, next)) {
                incidents.accept(new Signal(match.service().id(), HeartbeatMonitor.dedupKey(key), Signal.Action.RESOLVE,
                        "heartbeat received", "heartbeat", null, Set.of(), Paging.PAGE, null).from(match.origin()), "heartbeat");
            }
        });
        try {
            record.run();
        } catch (org.springframework.dao.DuplicateKeyException firstBeatMeanwhile) {
            // A monitor's first beat arriving twice at once (a retry, two hosts sharing the key, two nodes):
            // both found no row to lock and both inserted it. The other one's is there now: this beat updates it.
            record.run();
        }
        return ResponseEntity.accepted().body(Map.of("status", "accepted", "next_due", next.toString()));
    }

    /**
     * Every heartbeat monitor the configuration declares and what it last heard. A monitor is armed by
     * its first beat (so a new monitor does not page before the sender is deployed); until then it is
     * listed as waiting, never hidden.
     */
    @org.springframework.web.bind.annotation.GetMapping("/api/v1/heartbeats")
    List<Map<String, Object>> heartbeats() {
        Map<String, HeartbeatStore.Status> seen = new java.util.HashMap<>();
        heartbeats.statuses().forEach(st -> seen.put(st.key(), st));
        Instant now = clock.instant();
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (OrganisationConfig.Service service : engine.organisation().config().services()) {
            for (OrganisationConfig.Integration i : service.integrations()) {
                if (!"heartbeat".equals(i.type())) {
                    continue;
                }
                HeartbeatStore.Status st = seen.get(i.key());
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("service", service.id());
                m.put("interval", i.interval());
                m.put("state", st == null ? "waiting_for_first_beat" : st.missed() ? "missed"
                        : st.dueAt() != null && st.dueAt().isBefore(now) ? "overdue" : "healthy");
                m.put("last_beat_at", st == null ? null : st.lastBeatAt());
                m.put("next_due", st == null ? null : st.dueAt());
                out.add(m);
            }
        }
        return out;
    }

    /** The integration of {@code key}, which must be of {@code type}: a key works on its own integration's endpoint only. */
    private Integrations.Match authenticate(Organisation org, String key, String type, String field) {
        Integrations.Match match = Integrations.byKey(org, key).orElseThrow(() -> new UnknownKey());
        if (!match.is(type)) {
            throw new InvalidEvent(List.of(field + ": " + match.wrongType(type)));
        }
        if (!match.service().enabled()) {
            throw new DisabledService(match.service().id());
        }
        return match;
    }

    /** Refuses an event over its key's rate with {@code status}, saying in Retry-After when the key has room again. */
    private void throttle(String key, HttpStatus status) {
        RateLimiter.Decision allowed = limiter.acquire(key);
        if (!allowed.allowed()) {
            throw new Throttled(status, allowed.retryAfterSeconds());
        }
    }

    private static byte[] bytes(HttpServletRequest request) throws IOException {
        byte[] bytes = PagerDutyEventsController.readLimited(request);
        if (bytes == null) {
            throw new TooLarge();
        }
        return bytes;
    }

    static final class UnknownKey extends RuntimeException {
    }

    static final class DisabledService extends RuntimeException {
        DisabledService(String service) {
            super("service " + service + " is disabled");
        }
    }

    static final class TooLarge extends RuntimeException {
    }

    static final class Throttled extends RuntimeException {
        final HttpStatus status;
        final long retryAfterSeconds;

        Throttled(HttpStatus status, long retryAfterSeconds) {
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(InvalidEvent.class)
    ProblemDetail invalid(InvalidEvent e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Invalid event", e.getMessage());
        List<Map<String, String>> errors = new ArrayList<>();
        for (String error : e.errors) {
            int colon = error.indexOf(": ");
            errors.add(Map.of("field", colon > 0 ? error.substring(0, colon) : "(body)", "message", colon > 0 ? error.substring(colon + 2) : error));
        }
        p.setProperty("errors", errors);
        return p;
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(UnknownKey.class)
    ProblemDetail unknownKey() {
        ProblemDetail p = problem(HttpStatus.NOT_FOUND, "Unknown integration key", "key: no service has this integration key");
        p.setProperty("errors", List.of(Map.of("field", "key", "message", "unknown integration key")));
        return p;
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(DisabledService.class)
    ProblemDetail disabled(DisabledService e) {
        ProblemDetail p = problem(HttpStatus.FORBIDDEN, "Service disabled", e.getMessage());
        // The key is right but its service is switched off: name the key, as for an unknown one.
        p.setProperty("errors", List.of(Map.of("field", "key", "message", e.getMessage())));
        return p;
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(TooLarge.class)
    ProblemDetail tooLarge() {
        ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, "Event too large", "the body exceeds 512 KB");
        p.setProperty("errors", List.of(Map.of("field", "(body)", "message", "exceeds 512 KB")));
        return p;
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(Throttled.class)
    ResponseEntity<ProblemDetail> throttled(Throttled e) {
        ProblemDetail p = problem(e.status, "Too many events", "this integration key is sending too fast; retry in "
                + e.retryAfterSeconds + " s");
        p.setProperty("errors", List.of(Map.of("field", "key", "message", "over its rate; retry in " + e.retryAfterSeconds + " s")));
        return ResponseEntity.status(e.status).header("Retry-After", String.valueOf(e.retryAfterSeconds)).body(p);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        p.setType(URI.create("https://tocsin.io/problems/" + title.toLowerCase().replace(' ', '-')));
        return p;
    }
}
