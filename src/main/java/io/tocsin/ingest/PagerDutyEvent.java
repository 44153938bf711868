package io.tocsin.ingest;

import io.tocsin.incident.Signal;
import io.tocsin.store.Columns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A PagerDuty Events API v2 body (an alert event or a change event) as read, without the server
 * around it: the controller and the fuzz test (PagerDutyEventFuzzTest) run this same code. The
 * routing key is only read here; whether it names an integration is the controller's question.
 *
 * @param action   null for a change event
 * @param dedupKey null when the sender gave none (a trigger then gets a fresh one)
 * @param details  the whole body, kept with the incident
 */
record PagerDutyEvent(String routingKey, Signal.Action action, String dedupKey, String summary, String source, String severity,
                      Map<String, String> labels, String details) {
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    PagerDutyEvent {
        labels = Map.copyOf(labels);
    }

    /**
     * What a body says: the event, or the errors in PagerDuty's words (each quoting its field, or
     * speaking of the request body as a whole). {@code routingKey} is read whenever the body is an
     * object, so the controller can add what is wrong with the key in front of the other errors.
     */
    record Parsed(String routingKey, PagerDutyEvent event, List<String> errors) {
        Parsed {
            errors = List.copyOf(errors);
        }
    }

    static Parsed parse(byte[] body, boolean changeEvent) {
        JsonNode event;
        try {
            event = IngestJson.JSON.readTree(body);
        } catch (JacksonException e) {
            return new Parsed(null, null, List.of("request body is not valid JSON"
                    + (io.tocsin.config.InputErrors.isSyntax(e) ? "" : ": " + io.tocsin.config.InputErrors.describe(e))));
        }
        if (event == null || !event.isObject()) {
            return new Parsed(null, null, List.of("event must be a JSON object"));
        }
        String routingKey = text(event, "routing_key");
        List<String> errors = new ArrayList<>();
        if (routingKey == null) {
            errors.add("'routing_key' is missing or blank");
        }
        // Clients send every optional field, null when unset (the Java client does on each trigger): null is absent.
        for (String list : List.of("links", "images")) {
            if (present(event, list) && !event.get(list).isArray()) {
                errors.add("'" + list + "' must be an array");
            }
        }
        return changeEvent ? change(event, routingKey, errors) : alert(event, routingKey, errors);
    }

    private static Parsed alert(JsonNode event, String routingKey, List<String> errors) {
        String actionText = text(event, "event_action");
        Signal.Action action = actionText == null ? null : switch (actionText) {
            case "trigger" -> Signal.Action.TRIGGER;
            case "acknowledge" -> Signal.Action.ACKNOWLEDGE;
            case "resolve" -> Signal.Action.RESOLVE;
            default -> null;
        };
        if (action == null) {
            errors.add("'event_action' must be one of trigger, acknowledge, resolve");
        }
        String dedupKey = text(event, "dedup_key");
        tooLong(errors, "dedup_key", dedupKey, Columns.DEDUP_KEY);
        // Only a trigger's payload means anything: PagerDuty ignores it on acknowledge and resolve, where
        // clients fill it with placeholders ("BLANK"), so it is neither checked nor used there.
        JsonNode payload = action == Signal.Action.TRIGGER ? event.get("payload") : null;
        if (action == Signal.Action.TRIGGER) {
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
        } else if (action != null && dedupKey == null) {
            errors.add("'dedup_key' is required for " + actionText + " events");
        }
        if (!errors.isEmpty()) {
            return new Parsed(routingKey, null, errors);
        }
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
        return new Parsed(routingKey, new PagerDutyEvent(routingKey, action, dedupKey, summary == null ? "" : summary,
                source == null ? "pagerduty" : source, severity, labels, event.toString()), List.of());
    }

    private static Parsed change(JsonNode event, String routingKey, List<String> errors) {
        JsonNode payload = event.get("payload");
        if (payload == null || !payload.isObject() || text(payload, "summary") == null) {
            errors.add("'payload.summary' is missing or blank");
        } else {
            tooLong(errors, "payload.summary", text(payload, "summary"), Columns.SUMMARY);
            tooLong(errors, "payload.source", text(payload, "source"), Columns.SOURCE);
        }
        if (!errors.isEmpty()) {
            return new Parsed(routingKey, null, errors);
        }
        return new Parsed(routingKey, new PagerDutyEvent(routingKey, null, null, text(payload, "summary"), text(payload, "source"),
                null, Map.of(), event.toString()), List.of());
    }

    /** A value longer than the column that keeps it is refused here, in PagerDuty's words, not by the database. */
    private static void tooLong(List<String> errors, String field, String value, int max) {
        if (value != null && value.length() > max) {
            errors.add("'" + field + "' is longer than " + max + " characters");
        }
    }

    /** Whether {@code field} is there and not null: a null optional field is the same as a missing one. */
    private static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    private static String text(JsonNode node, String field) {
        return IngestJson.text(node, field);
    }
}
