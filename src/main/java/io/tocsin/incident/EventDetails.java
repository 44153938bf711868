package io.tocsin.incident;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an incident's stored event says beyond its summary, the one view the API, the command line,
 * the UI and the messages all show: PagerDuty's {@code custom_details}, {@code links}, {@code images}
 * and {@code client_url}; Alertmanager's and Grafana's labels, annotations, {@code generatorURL},
 * dashboard, panel and silence URLs and runbook annotations; the generic event's labels and details.
 * The configured sensitive fields are redacted (see {@link Redaction}) and a link is a link only when
 * it is http or https: anything else ({@code javascript:}, {@code data:}) is shown as text.
 */
public final class EventDetails {
    /** A link to show; {@code href} is null when the address is not http(s), and the link is then text only. */
    public record Link(String text, String href) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** PagerDuty's payload fields shown as they are. */
    private static final List<String> PAYLOAD_FIELDS = List.of("component", "group", "class", "timestamp");
    /** Grafana's links on an alert, with the words they are shown with (Alertmanager has only the first). */
    private static final Map<String, String> ALERT_LINKS = orderedPairs("generatorURL", "source", "dashboardURL", "dashboard",
            "panelURL", "panel", "silenceURL", "silence", "imageURL", "image");

    private final Redaction.Applied redaction;
    private final JsonNode event;

    private EventDetails(Redaction.Applied redaction) {
        this.redaction = redaction;
        JsonNode kept = redaction.kept();
        this.event = kept != null && kept.isObject() ? kept : JSON.createObjectNode();
    }

    /** The details of a stored event (JSON as received; null or unreadable: none) under {@code sensitiveFields}. */
    public static EventDetails of(String storedEvent, Collection<String> sensitiveFields) {
        return of(new Redaction(sensitiveFields).apply(storedEvent));
    }

    public static EventDetails of(Redaction.Applied redaction) {
        return new EventDetails(redaction);
    }

    /**
     * Whether a text search {@code q} finds an incident: in its number, its dedup key, or its summary as
     * shown (sensitive values redacted), any case. The database narrows by the stored text first
     * ({@code IncidentQuery}); this is the last word, so a search cannot confirm a value the page and
     * the API hide.
     */
    public static boolean matchesShown(io.tocsin.store.IncidentRow r, String q, Collection<String> sensitiveFields) {
        if (q == null || q.isBlank()) {
            return true;
        }
        String needle = q.strip().toLowerCase(java.util.Locale.ROOT);
        String shown = summary(r.summary(), r.details(), sensitiveFields);
        return r.number().toLowerCase(java.util.Locale.ROOT).contains(needle)
                || (r.dedupKey() != null && r.dedupKey().toLowerCase(java.util.Locale.ROOT).contains(needle))
                || (shown != null && shown.toLowerCase(java.util.Locale.ROOT).contains(needle));
    }

    /**
     * An incident's summary as it may be shown: with no sensitive field configured, as stored; else
     * masked like the rest of its details (which takes reading the stored event).
     */
    public static String summary(String summary, String storedEvent, Collection<String> sensitiveFields) {
        return sensitiveFields.isEmpty() ? summary : of(storedEvent, sensitiveFields).text(summary);
    }

    /** Free text from the event (the summary) with the sensitive values masked. */
    public String text(String s) {
        return redaction.text(s);
    }

    /** The details as {key, value} pairs, nested keys joined with dots: what messages and the UI list. */
    public List<Map<String, Object>> entries() {
        return redaction.details();
    }

    /** Every link of the event, in the order above; images are links to the image. */
    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (JsonNode l : array("links")) {
            String href = string(l, "href");
            if (href != null) {
                out.add(link(string(l, "text"), href));
            }
        }
        String clientUrl = string(event, "client_url");
        if (clientUrl != null) {
            out.add(link(string(event, "client"), clientUrl));
        }
        for (JsonNode i : array("images")) {
            String src = string(i, "src");
            if (src != null) {
                out.add(link(first(string(i, "alt"), "image"), src));
            }
        }
        ALERT_LINKS.forEach((field, words) -> {
            String url = string(event, field);
            if (url != null) {
                out.add(link(words, url));
            }
        });
        JsonNode annotations = event.get("annotations");
        if (annotations != null && annotations.isObject()) {
            for (Map.Entry<String, JsonNode> a : annotations.properties()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                if (a.getValue().isString() && (key.endsWith("url") || key.equals("runbook"))) {
                    out.add(link(key.startsWith("runbook") ? "runbook" : a.getKey(), a.getValue().asString()));
                }
            }
        }
        return out;
    }

    /**
     * The details for the API, structured as the source sent them: {@code custom_details},
     * {@code details}, {@code labels}, {@code annotations}, PagerDuty's {@code component},
     * {@code group}, {@code class}, {@code timestamp} and {@code client}, then {@code links} (as
     * {@link #links()}) and {@code images} ({@code src}, {@code href}, {@code alt}, addresses that are
     * not http(s) left out). Only the parts the event has.
     */
    public ObjectNode structured() {
        ObjectNode out = JSON.createObjectNode();
        JsonNode payload = event.get("payload");
        if (payload != null && payload.isObject()) {
            putIfPresent(out, "custom_details", payload.get("custom_details"));
        }
        for (String part : List.of("details", "labels", "annotations")) {
            JsonNode n = event.get(part);
            if (n != null && n.isObject()) {
                out.set(part, redaction.masked(n));
            }
        }
        if (payload != null && payload.isObject()) {
            PAYLOAD_FIELDS.forEach(f -> putIfPresent(out, f, payload.get(f)));
        }
        putIfPresent(out, "client", event.get("client"));
        List<Link> links = links();
        if (!links.isEmpty()) {
            var array = out.putArray("links");
            links.forEach(l -> array.addObject().put("text", l.text()).put("href", l.href()));
        }
        List<JsonNode> images = array("images");
        if (!images.isEmpty()) {
            var array = out.putArray("images");
            for (JsonNode i : images) {
                ObjectNode image = array.addObject();
                image.put("src", safe(string(i, "src")));
                image.put("href", safe(string(i, "href")));
                image.put("alt", string(i, "alt"));
            }
        }
        return out;
    }

    /**
     * {@code address} when it is an absolute http or https URL with a host, else null: only those are
     * ever made into links (no {@code javascript:}, {@code data:}, {@code file:}, nor anything a URI
     * parser refuses, such as quotes or spaces).
     */
    public static String safe(String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        String a = address.strip();
        try {
            URI uri = new URI(a);
            String scheme = uri.getScheme();
            boolean web = scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"));
            return web && uri.getHost() != null && !uri.getHost().isBlank() ? a : null;
        } catch (URISyntaxException notAnAddress) {
            return null;
        }
    }

    private Link link(String text, String address) {
        return new Link(first(text, address), safe(address));
    }

    private void putIfPresent(ObjectNode out, String name, JsonNode value) {
        if (value != null && !value.isNull()) {
            out.set(name, redaction.masked(value));
        }
    }

    /** The objects of a top-level array of the event. */
    private List<JsonNode> array(String name) {
        JsonNode n = event.get(name);
        List<JsonNode> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(x -> {
                if (x.isObject()) {
                    out.add(x);
                }
            });
        }
        return out;
    }

    /** A non-blank string field, masked. */
    private String string(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() && !v.asString().isBlank() ? redaction.text(v.asString().strip()) : null;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static Map<String, String> orderedPairs(String... pairs) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
