package io.tocsin.notify;

import com.samskivert.mustache.Template;
import io.tocsin.config.MessageTemplateSyntax;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders message text with Mustache, a logic-less engine: a template can place values but never
 * run code, call methods on them or include files. HTML templates escape every value; text
 * templates do not. Bundled templates live in {@code notify/<kind>-<part>.mustache}; configured
 * ones are compiled once per text.
 */
final class MessageRenderer {
    private final Map<String, Template> cache = new ConcurrentHashMap<>();
    private final Map<String, Template> configured = new ConcurrentHashMap<>();

    /** Renders the bundled template {@code name}, like {@code page-subject}. */
    String render(String name, Map<String, Object> model) {
        return cache.computeIfAbsent(name, this::load).execute(model);
    }

    /** Whether a bundled template {@code name} exists. */
    boolean hasBundled(String name) {
        return cache.containsKey(name) || MessageRenderer.class.getClassLoader().getResource(path(name)) != null;
    }

    /** Renders configured template text (validated with the configuration it came from). */
    String renderText(String template, boolean html, Map<String, Object> model) {
        if (configured.size() > 1000) {
            configured.clear(); // texts of configurations long replaced
        }
        return configured.computeIfAbsent((html ? "h:" : "t:") + template,
                k -> MessageTemplateSyntax.compiler(html).compile(template)).execute(model);
    }

    private static String path(String name) {
        return "notify/" + name + ".mustache";
    }

    private Template load(String name) {
        String path = path(name);
        try (java.io.InputStream in = MessageRenderer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing message template " + path);
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return MessageTemplateSyntax.compiler(name.endsWith("-html")).compile(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
