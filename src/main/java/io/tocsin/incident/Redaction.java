package io.tocsin.incident;

import io.tocsin.config.Organisation;
import io.tocsin.config.SensitiveFields;
import io.tocsin.store.IncidentRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the configured sensitive fields (PII) out of every message sent and every page, answer and
 * command output that shows an incident. For one incident:
 * <ul>
 * <li>keys of the alert details named in {@code sensitive_fields} are dropped at any depth (names
 *     compared ignoring case, {@code _}, {@code -}, {@code .} and spaces);</li>
 * <li>the values of dropped keys (strings and numbers of at least {@value #MIN_VALUE_LENGTH} characters)
 *     are replaced by {@value #MASK} wherever they appear as a whole word in free text;</li>
 * <li>with {@code email} listed, e-mail addresses in free text become {@value #EMAIL_MASK};</li>
 * <li>with {@code phone} listed, phone numbers become {@value #PHONE_MASK}: a {@code +} and 7 to 15
 *     digits (single spaces, dots, hyphens or parentheses between them allowed), or 10 to 15 digits
 *     in a row.</li>
 * </ul>
 * The one implementation of that rule: messages of every kind and channel, hand-off briefings and the
 * signed-link page (everything a person sees without an API token) go through it.
 */
public final class Redaction {
    static final String MASK = "[redacted]";
    static final String EMAIL_MASK = "[email]";
    static final String PHONE_MASK = "[phone]";
    static final int MIN_VALUE_LENGTH = 4;
    static final int MAX_DETAILS = 50;
    static final int MAX_VALUE_LENGTH = 300;

    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    static final Pattern PHONE = Pattern.compile("(?<![\\w+])(?:\\+\\d(?:[ .\\-()]{0,2}\\d){6,14}|\\d{10,15})(?![\\w])");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Where each integration keeps the alert's own details in the stored event. */
    private static final List<List<String>> SOURCES = List.of(List.of("payload", "custom_details"), List.of("labels"),
            List.of("annotations"), List.of("details"));

    private final Set<String> fields = new LinkedHashSet<>();
    private final boolean emails;
    private final boolean phones;

    public Redaction(Collection<String> sensitiveFields) {
        sensitiveFields.forEach(f -> fields.add(SensitiveFields.normalise(f)));
        emails = fields.contains("email");
        phones = fields.contains("phone");
    }

    /** The redaction of one stored incident under the organisation's {@code notifications.sensitive_fields}. */
    public static Applied forIncident(Organisation org, IncidentRow incident) {
        return new Redaction(org.config().notifications().sensitiveFields()).apply(incident.details());
    }

    boolean sensitive(String key) {
        return fields.contains(SensitiveFields.normalise(key));
    }

    /** The redaction of one incident's stored details (the event as received, JSON; may be null). */
    public Applied apply(String detailsJson) {
        JsonNode tree = null;
        if (detailsJson != null && !detailsJson.isBlank()) {
            try {
                tree = JSON.readTree(detailsJson);
            } catch (RuntimeException e) {
                tree = null;
            }
        }
        Set<String> dropped = new LinkedHashSet<>();
        JsonNode kept = tree == null ? null : drop(tree, dropped);
        return new Applied(kept, dropped);
    }

    private JsonNode drop(JsonNode node, Set<String> dropped) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (sensitive(e.getKey())) {
                    collect(e.getValue(), dropped);
                } else {
                    out.set(e.getKey(), drop(e.getValue(), dropped));
                }
            }
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(n -> out.add(drop(n, dropped)));
            return out;
        }
        return node;
    }

    private static void collect(JsonNode node, Set<String> into) {
        if (node.isValueNode() && !node.isNull()) {
            String v = node.asString().strip();
            if (v.length() >= MIN_VALUE_LENGTH) {
                into.add(v);
            }
        } else {
            node.forEach(n -> collect(n, into));
        }
    }

    /** One incident's details with the sensitive fields gone, and a mask for free text. */
    public final class Applied {
        private final JsonNode kept;
        private final List<Pattern> values = new ArrayList<>();

        private Applied(JsonNode kept, Set<String> dropped) {
            this.kept = kept;
            for (String v : dropped) {
                values.add(Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(v) + "(?![A-Za-z0-9])"));
            }
        }

        /** Free text with the dropped values, and (when listed) e-mail addresses and phone numbers, masked. */
        public String text(String s) {
            if (s == null || s.isEmpty()) {
                return s;
            }
            String out = s;
            for (Pattern p : values) {
                out = p.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
            }
            if (emails) {
                out = EMAIL.matcher(out).replaceAll(Matcher.quoteReplacement(EMAIL_MASK));
            }
            if (phones) {
                out = PHONE.matcher(out).replaceAll(Matcher.quoteReplacement(PHONE_MASK));
            }
            return out;
        }

        /**
         * The alert's own details as {key, value} pairs: PagerDuty's {@code payload.custom_details},
         * Alertmanager's labels and annotations, the generic integration's labels. Nested keys are
         * joined with dots; at most {@value #MAX_DETAILS} entries of at most {@value #MAX_VALUE_LENGTH}
         * characters; values masked like free text.
         */
        public List<Map<String, Object>> details() {
            List<Map<String, Object>> out = new ArrayList<>();
            if (kept == null || !kept.isObject()) {
                return out;
            }
            for (List<String> source : SOURCES) {
                JsonNode n = kept;
                for (String step : source) {
                    n = n == null ? null : n.get(step);
                }
                if (n != null && n.isObject()) {
                    flatten("", n, out);
                }
            }
            return out;
        }

        /** The whole stored event as it may be shown: sensitive keys dropped, every string masked; null when there is none. */
        public JsonNode event() {
            return kept == null ? null : masked(kept);
        }

        /** The stored event without the sensitive keys (null when there is none or it is not JSON); strings not yet masked. */
        JsonNode kept() {
            return kept;
        }

        /** {@code node} with every string, keys included, masked like free text. */
        JsonNode masked(JsonNode node) {
            if (node.isObject()) {
                ObjectNode out = JSON.createObjectNode();
                node.properties().forEach(e -> out.set(text(e.getKey()), masked(e.getValue())));
                return out;
            }
            if (node.isArray()) {
                var out = JSON.createArrayNode();
                node.forEach(n -> out.add(masked(n)));
                return out;
            }
            return node.isString() ? JSON.getNodeFactory().stringNode(text(node.asString())) : node;
        }

        private void flatten(String prefix, JsonNode node, List<Map<String, Object>> out) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (out.size() >= MAX_DETAILS) {
                    return;
                }
                String key = prefix + e.getKey();
                JsonNode v = e.getValue();
                if (v.isObject()) {
                    flatten(key + ".", v, out);
                    continue;
                }
                // Masked before it is cut, so a cut never leaves half of a sensitive value behind.
                String value = text(v.isValueNode() ? (v.isNull() ? "" : v.asString()) : v.toString());
                if (value.length() > MAX_VALUE_LENGTH) {
                    value = value.substring(0, MAX_VALUE_LENGTH - 1) + "…";
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("key", text(key));
                entry.put("value", value);
                out.add(entry);
            }
        }
    }
}
