package io.tocsin.config;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.MustacheParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The language of message templates: logic-less Mustache over a fixed set of variables per kind of
 * message. Templates come from configuration, so nothing in them may run code or read files: no
 * partials ({@code {{> file}}}), no delimiter changes, no dotted names (which would call methods on
 * the values), and only the documented variables. Shared by the validator and by rendering, so what
 * validates is exactly what renders.
 */
public final class MessageTemplateSyntax {
    public static final List<String> KINDS = List.of("page", "notice", "test", "handoff", "chat");
    public static final List<String> PARTS = List.of("subject", "text", "html");
    /** The parts each channel sends; a channel override may set only these. */
    public static final Map<String, List<String>> CHANNEL_PARTS = channelParts();

    /** The variables of an incident message (page, notice), with what they hold. */
    public static final Map<String, String> INCIDENT_VARIABLES = incidentVariables();
    /** The variables of a {{#details}} entry. */
    public static final Map<String, String> DETAIL_VARIABLES = Map.of("key", "the detail's name (nested keys joined with dots)",
            "value", "the detail's value");
    /** The variables of a {{#links}} entry. */
    public static final Map<String, String> LINK_VARIABLES = Map.of("text", "the link's words (the address when it has none)",
            "href", "the address, always http or https");
    /** The lists of an incident message and the variables of each of their entries. */
    private static final Map<String, Map<String, String>> ENTRY_VARIABLES = Map.of("details", DETAIL_VARIABLES,
            "links", LINK_VARIABLES);
    /** The variables of each kind of message. */
    public static final Map<String, Map<String, String>> VARIABLES = Map.of(
            "page", INCIDENT_VARIABLES,
            "notice", INCIDENT_VARIABLES,
            "chat", INCIDENT_VARIABLES,
            "test", ordered("person", "the person's name", "contact_method", "the contact method's id"),
            "handoff", ordered("reason", "the whole hand-off briefing: who hands to whom and when, the open incidents, the past "
                    + "shift's incidents and the checklist"));
    /** JMustache's names for the position in a list, usable inside any section. */
    private static final Set<String> SECTION_NAMES = Set.of(".", "this", "-first", "-last", "-index");

    private static final Pattern TAG = Pattern.compile("\\{\\{(\\{?)(.*?)(}?)}}", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** One problem in a template, at a 1-based line and column of the template text. */
    public record Problem(int line, int column, String message) {
    }

    private MessageTemplateSyntax() {
    }

    /**
     * The compiler for configured and bundled templates: HTML parts escape every value, a missing
     * value renders as nothing, names are looked up only in maps (never as methods or fields of a
     * value), and partials cannot be loaded (any attempt fails rather than reading a file).
     */
    public static Mustache.Compiler compiler(boolean html) {
        return Mustache.compiler().escapeHTML(html).defaultValue("").emptyStringIsFalse(true)
                .withCollector(new MapsOnly())
                .withLoader(name -> {
                    throw new UnsupportedOperationException("templates cannot include other templates");
                });
    }

    /**
     * Looks names up in maps and iterates lists, and nothing else: JMustache's default collector
     * would also call methods and read fields of the values by name.
     */
    private static final class MapsOnly extends BasicCollector {
        @java.lang.Override
        public <K, V> Map<K, V> createFetcherCache() {
            return new java.util.concurrent.ConcurrentHashMap<>();
        }
    }

    /** Every problem of {@code text} as a template of {@code kind}; empty when it compiles and uses only known names. */
    public static List<Problem> check(String kind, String text) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> variables = VARIABLES.getOrDefault(kind, Map.of());
        Deque<String> sections = new ArrayDeque<>();
        Deque<Integer> openedAt = new ArrayDeque<>();
        Matcher m = TAG.matcher(text);
        int scanned = 0;
        while (m.find()) {
            scanned = m.end();
            int at = m.start();
            String body = m.group(2);
            boolean triple = !m.group(1).isEmpty();
            if (triple != !m.group(3).isEmpty()) {
                problems.add(problem(text, at, "unbalanced triple mustache: write {{{name}}} or {{name}}"));
                continue;
            }
            String inner = body.strip();
            char sigil = inner.isEmpty() ? ' ' : inner.charAt(0);
            if ("#^/&!>=<$".indexOf(sigil) >= 0 && !triple) {
                inner = inner.substring(1).strip();
            } else {
                sigil = ' ';
            }
            switch (sigil) {
                case '!' -> {
                    // a comment
                }
                case '>', '<', '$' -> problems.add(problem(text, at, "templates cannot include other templates ({{" + body.strip() + "}})"));
                case '=' -> problems.add(problem(text, at, "changing delimiters is not supported"));
                case '#', '^' -> {
                    name(text, at, inner, variables, sections, problems);
                    sections.push(inner);
                    openedAt.push(at);
                }
                case '/' -> {
                    if (sections.isEmpty()) {
                        problems.add(problem(text, at, "{{/" + inner + "}} closes a section that was never opened"));
                    } else if (!sections.peek().equals(inner)) {
                        problems.add(problem(text, at, "{{/" + inner + "}} closes section \"" + sections.peek()
                                + "\", which must be closed first"));
                    } else {
                        sections.pop();
                        openedAt.pop();
                    }
                }
                default -> name(text, at, inner, variables, sections, problems);
            }
        }
        int unclosed = text.indexOf("{{", scanned);
        if (unclosed >= 0) {
            problems.add(problem(text, unclosed, "tag is never closed with }}"));
        }
        while (!sections.isEmpty()) {
            String open = sections.pop();
            problems.add(problem(text, openedAt.pop(), "section \"" + open + "\" is never closed (add {{/" + open + "}})"));
        }
        if (problems.isEmpty()) {
            try {
                compiler(false).compile(text);
            } catch (MustacheParseException e) {
                problems.add(new Problem(lineOf(e.getMessage()), 1, "not a valid template: " + e.getMessage()));
            } catch (MustacheException e) {
                problems.add(new Problem(1, 1, "not a valid template: " + e.getMessage()));
            }
        }
        return problems;
    }

    private static void name(String text, int at, String name, Map<String, String> variables, Deque<String> sections,
                             List<Problem> problems) {
        if (name.isEmpty()) {
            problems.add(problem(text, at, "empty tag {{}}"));
            return;
        }
        if (variables.containsKey(name)) {
            return;
        }
        List<String> known = new ArrayList<>(variables.keySet());
        String where = "";
        for (Map.Entry<String, Map<String, String>> list : ENTRY_VARIABLES.entrySet()) {
            if (!variables.containsKey(list.getKey()) || !list.getValue().containsKey(name) && !sections.contains(list.getKey())) {
                continue;
            }
            if (sections.contains(list.getKey())) {
                if (list.getValue().containsKey(name)) {
                    return;
                }
                known.addAll(list.getValue().keySet());
            } else {
                where = "; \"" + name + "\" exists only inside {{#" + list.getKey() + "}}...{{/" + list.getKey() + "}}";
            }
        }
        if (!sections.isEmpty() && SECTION_NAMES.contains(name)) {
            return;
        }
        String hint = NAME.matcher(name).matches() || name.contains(".")
                ? DidYouMean.closest(name, known).map(s -> " (did you mean \"" + s + "\"?)").orElse("") : "";
        problems.add(problem(text, at, "unknown variable \"" + name + "\"" + hint + where));
    }

    private static Problem problem(String text, int offset, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Problem(line, offset - lineStart + 1, message);
    }

    private static int lineOf(String message) {
        Matcher m = Pattern.compile("@ line (\\d+)").matcher(message == null ? "" : message);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    private static Map<String, List<String>> channelParts() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("email", List.of("subject", "text", "html"));
        m.put("webhook", List.of("subject", "text"));
        m.put("push", List.of("subject", "text"));
        m.put("slack", List.of("subject", "text"));
        m.put("teams", List.of("subject", "text"));
        m.put("sms", List.of("subject"));
        m.put("voice", List.of("subject"));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> incidentVariables() {
        return ordered(
                "incident", "the incident's id, like INC-12",
                "number", "the incident's number alone, like 12 (SMS replies use it: 12a acknowledges)",
                "severity", "the severity id, like P1",
                "service", "the service id",
                "summary", "the alert's summary, with e-mail addresses and phone numbers masked when listed as sensitive",
                "status", "triggered, acknowledged or resolved",
                "reason", "why this message was sent (the escalation level, or who acknowledged)",
                "event", "the same as reason",
                "acknowledge_url", "the signed link that acknowledges as the recipient",
                "resolve_url", "the signed link that resolves as the recipient",
                "details", "the alert's details without the sensitive fields, a list of {key, value}: {{#details}}{{key}}={{value}}{{/details}}",
                "links", "the alert's http(s) links (PagerDuty links, images and client_url; Alertmanager's and Grafana's source, "
                        + "dashboard, panel, silence and runbook URLs), a list of {text, href}: {{#links}}{{text}}: {{href}}{{/links}}");
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
