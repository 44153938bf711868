package io.tocsin.ingest;

import io.tocsin.incident.Signal;
import io.tocsin.store.Columns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The generic JSON event ({@code POST /api/v1/events}) as read from its body, without the server
 * around it: the controller and the fuzz test (GenericEventFuzzTest) run this same code. A body that
 * is not a valid event is an {@link InvalidEvent} naming the field.
 *
 * @param dedupKey null when the sender gave none (a trigger then gets a fresh one)
 * @param details  the whole body, kept with the incident
 */
record GenericEvent(Signal.Action action, String dedupKey, String summary, String source, String severity,
                    Map<String, String> labels, String details) {
    GenericEvent {
        labels = Map.copyOf(labels);
    }

    /** The integration key the request names (the header, else the body's routing_key) and the body. */
    record Keyed(String key, String keyField, JsonNode body) {
    }

    /**
     * Reads the body and finds its key; the fields are checked by {@link #of} once the key is known
     * to be good, so an unknown key is answered as such whatever the body says.
     */
    static Keyed read(byte[] bytes, String headerKey) {
        JsonNode body = IngestJson.read(bytes);
        if (body == null || !body.isObject()) {
            throw new InvalidEvent(List.of("(body): must be a JSON object"));
        }
        String key = headerKey != null ? headerKey : IngestJson.text(body, "routing_key");
        if (key == null) {
            throw new InvalidEvent(List.of("routing_key: required (or the X-Tocsin-Key header)"));
        }
        return new Keyed(key, headerKey != null ? "X-Tocsin-Key" : "routing_key", body);
    }

    /** The event {@code body} describes, or {@link InvalidEvent} listing every field that is wrong. */
    static GenericEvent of(JsonNode body) {
        List<String> errors = new ArrayList<>();
        String action = Optional.ofNullable(IngestJson.text(body, "action")).orElse("trigger");
        Signal.Action signalAction = switch (action) {
            case "trigger" -> Signal.Action.TRIGGER;
            case "acknowledge" -> Signal.Action.ACKNOWLEDGE;
            case "resolve" -> Signal.Action.RESOLVE;
            default -> null;
        };
        if (signalAction == null) {
            errors.add("action: must be trigger, acknowledge or resolve");
        }
        String dedup = IngestJson.text(body, "dedup_key");
        String summary = IngestJson.text(body, "summary");
        String source = IngestJson.text(body, "source");
        if ("trigger".equals(action) && summary == null) {
            errors.add("summary: required for a trigger");
        }
        tooLong(errors, "summary", summary, Columns.SUMMARY);
        tooLong(errors, "source", source, Columns.SOURCE);
        if (!"trigger".equals(action) && dedup == null) {
            errors.add("dedup_key: required to " + action);
        }
        tooLong(errors, "dedup_key", dedup, Columns.DEDUP_KEY);
        JsonNode labelsNode = body.get("labels");
        if (labelsNode != null && labelsNode.isNull()) {
            labelsNode = null; // a client's unset field: the same as none
        }
        if (labelsNode != null && !labelsNode.isObject()) {
            errors.add("labels: must be an object of strings");
        }
        if (!errors.isEmpty()) {
            throw new InvalidEvent(errors);
        }
        Map<String, String> labels = new HashMap<>();
        if (labelsNode != null) {
            labelsNode.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    labels.put(e.getKey(), e.getValue().isString() ? e.getValue().asString() : e.getValue().toString());
                }
            });
        }
        return new GenericEvent(signalAction, dedup, summary == null ? "" : summary, source == null ? "generic" : source,
                IngestJson.text(body, "severity"), labels, body.toString());
    }

    /** A value longer than the column that keeps it is refused here, naming the field, not by the database. */
    static void tooLong(List<String> errors, String field, String value, int max) {
        if (value != null && value.length() > max) {
            errors.add(field + ": longer than " + max + " characters");
        }
    }
}
