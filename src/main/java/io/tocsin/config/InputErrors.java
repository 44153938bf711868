package io.tocsin.config;

import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What was wrong with a JSON or YAML input, in the words of the person who wrote it: where (a field
 * path like {@code events[2].alert.labels}) and what ("expected a list", "unknown field \"sevrity\"").
 * Jackson's own messages name Java types ({@code Cannot deserialize value of type
 * `io.tocsin.simulation.Scenario`}) and belong in the log, never in an answer.
 */
public final class InputErrors {
    /** A parenthesised Java class name, as parsers put the exception behind their message. */
    private static final java.util.regex.Pattern JAVA_CLASS = java.util.regex.Pattern.compile(
            "\\s*\\((?:java|javax|jdk|sun|tools|com|org|io)\\.[A-Za-z0-9_.$]+\\)");

    private InputErrors() {
    }

    /** The field the error is about ({@code a.b[2].c}), or empty when it is about the document as a whole. */
    public static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What is wrong, without the place (see {@link #path}). */
    public static String describe(JacksonException e) {
        String original = String.valueOf(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            if (original.contains("nesting depth")) {
                return "nested too deeply (at most " + SafeYaml.MAX_DEPTH + " levels in YAML, 500 in JSON)";
            }
            if (original.contains("Number value length")) {
                return "a number with too many digits";
            }
            if (original.contains("Name length")) {
                return "a key that is too long";
            }
            return "the document is too long";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<Object> known = u.getKnownPropertyIds();
            return "unknown field \"" + u.getPropertyName() + "\""
                    + (known == null || known.isEmpty() ? "" : " (known: " + String.join(", ", new TreeSet<>(known.stream().map(String::valueOf).toList())) + ")");
        }
        if (e instanceof InvalidFormatException f) {
            return "\"" + f.getValue() + "\" is not " + expected(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m) {
            return "expected " + expected(m.getTargetType());
        }
        if (e instanceof ValueInstantiationException v) {
            // Our own records refuse some values with a message meant for the reader; anything else stays in the log.
            return "not a valid value here" + (v.getCause() instanceof IllegalArgumentException i && i.getMessage() != null
                    ? ": " + i.getMessage() : "");
        }
        if (e instanceof DatabindException) {
            return "not a valid value here";
        }
        if (original.contains("exceeds the limit") && original.contains("code points")) {
            return "the document is too long";
        }
        if (original.startsWith("Duplicate ")) {
            java.util.regex.Matcher key = java.util.regex.Pattern.compile("['\"]([^'\"]*)['\"]").matcher(original);
            return key.find() ? "the key \"" + key.group(1) + "\" is given twice" : "a key is given twice";
        }
        if (original.startsWith("Malformed numeric value")) {
            // YAML's .inf, .nan or 0x1p3 read as a number Java cannot hold (found by ScenarioFuzzTest):
            // the parser's message names java.lang.NumberFormatException.
            return "a number that cannot be read; put it in quotes if it is meant as text";
        }
        // A syntax error: the parser describes the input, not Java. Its lines that start in the first
        // column say what; the indented ones repeat where (already in the answer) and quote the input.
        String what = String.join("; ", original.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList());
        // and where it names a Java class after all, "(java.lang.Something)", that part is dropped
        what = JAVA_CLASS.matcher(what).replaceAll("");
        return what.isBlank() ? "not readable" : what;
    }

    /**
     * Whether it is a plain syntax error (truncated, a stray character, invalid UTF-8): the document is
     * not JSON (or YAML) at all, rather than a value in the wrong place or a bound crossed.
     */
    public static boolean isSyntax(JacksonException e) {
        String original = String.valueOf(e.getOriginalMessage());
        return !(e instanceof StreamConstraintsException) && !(e instanceof DatabindException)
                && !original.startsWith("Duplicate ")
                && !(original.contains("exceeds the limit") && original.contains("code points"));
    }

    /** {@code path: what}, or {@code what} alone when the document as a whole is wrong. */
    public static String located(JacksonException e) {
        String path = path(e);
        return (path.isEmpty() ? "" : path + ": ") + describe(e);
    }

    /** The kind of value a Java type holds, as someone writing YAML or JSON calls it. */
    static String expected(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "text";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != char.class)) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) {
            return "a mapping of keys to values";
        }
        return "a different kind of value";
    }
}
