package io.tocsin.notify;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders message text with Mustache, a logic-less engine: a template can place values but never
 * run code. HTML templates escape every value; text templates do not.
 */
final class MessageRenderer {
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    String render(String name, Map<String, Object> model) {
        return cache.computeIfAbsent(name, this::load).execute(model);
    }

    private Template load(String name) {
        String path = "notify/" + name + ".mustache";
        try (java.io.InputStream in = MessageRenderer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing message template " + path);
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                Mustache.Compiler compiler = Mustache.compiler().defaultValue("").escapeHTML(name.endsWith("-html"));
                return compiler.compile(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
