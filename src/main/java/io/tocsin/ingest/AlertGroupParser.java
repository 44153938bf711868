package io.tocsin.ingest;

import io.tocsin.incident.Signal;
import io.tocsin.store.Columns;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Prometheus Alertmanager webhook payloads (version 4), which Grafana's webhook contact point also
 * follows: each alert is deduplicated by its fingerprint; firing triggers, resolved resolves.
 * Unknown fields are ignored.
 */
final class AlertGroupParser {
    record Parsed(List<InboundEvent> events, List<String> errors) {
    }

    private AlertGroupParser() {
    }

    static Parsed parse(JsonNode body, String serviceId, String integration) {
        List<String> errors = new ArrayList<>();
        List<InboundEvent> events = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Parsed(events, List.of("(body): must be a JSON object"));
        }
        JsonNode alerts = body.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            return new Parsed(events, List.of("alerts: required, an array"));
        }
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode a = alerts.get(i);
            String where = "alerts[" + i + "]";
            if (!a.isObject()) {
                errors.add(where + ": must be an object");
                continue;
            }
            String status = text(a, "status");
            if (!"firing".equals(status) && !"resolved".equals(status)) {
                errors.add(where + ".status: must be firing or resolved");
                continue;
            }
            JsonNode labelsNode = a.get("labels");
            if (labelsNode != null && !labelsNode.isObject()) {
                errors.add(where + ".labels: must be an object");
                continue;
            }
            Map<String, String> labels = strings(labelsNode);
            Map<String, String> annotations = strings(a.get("annotations"));
            String fingerprint = text(a, "fingerprint");
            // The dedup key is the fingerprint behind the integration's name, and must fit its column.
            int longest = Columns.DEDUP_KEY - integration.length() - 1;
            if (fingerprint != null && fingerprint.length() > longest) {
                errors.add(where + ".fingerprint: longer than " + longest + " characters");
                continue;
            }
            if (fingerprint == null) {
                if (labels.isEmpty()) {
                    errors.add(where + ": needs a fingerprint or labels to deduplicate by");
                    continue;
                }
                fingerprint = fingerprintOf(labels);
            }
            String summary = first(annotations.get("summary"), annotations.get("description"), labels.get("alertname"), "alert");
            events.add(new InboundEvent(serviceId, integration, integration + ":" + fingerprint,
                    "firing".equals(status) ? Signal.Action.TRIGGER : Signal.Action.RESOLVE, truncate(summary, Columns.SUMMARY),
                    // Summary and source are taken from labels and annotations, not sent as such: shortened, not refused.
                    truncate(first(labels.get("instance"), labels.get("job"), integration), Columns.SOURCE), labels.get("severity"),
                    labels, a.toString()));
        }
        return new Parsed(events, errors);
    }

    /** Alertmanager's own fingerprint is a hash of the sorted label set; ours is stable the same way. */
    static String fingerprintOf(Map<String, String> labels) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(labels).forEach((k, v) -> d.update((k + "\u0000" + v + "\u0000").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new TreeMap<>();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.put(e.getKey(), e.getValue().isString() ? e.getValue().asString() : e.getValue().toString());
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isString() || v.asString().isBlank() ? null : v.asString();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
