package io.tocsin.config;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Schema of the configuration format. The same file is served to editors and used here as
 * the first validation pass, so what an editor accepts and what Tocsin accepts cannot drift apart.
 */
public final class ConfigSchema {
    public static final String RESOURCE = "/schema/tocsin-config.schema.json";
    private static final String TEXT = readText();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(TEXT);

    private ConfigSchema() {
    }

    public static String text() {
        return TEXT;
    }

    static List<ConfigProblem> validate(YamlDocument doc) {
        List<ConfigProblem> out = new ArrayList<>();
        for (Error error : SCHEMA.validate(doc.root())) {
            ConfigPath path = ConfigPath.ROOT;
            var location = error.getInstanceLocation();
            for (int i = 0; i < location.getNameCount(); i++) {
                Object element = location.getElement(i);
                path = element instanceof Integer n ? path.index(n) : path.key(element.toString());
            }
            if ("additionalProperties".equals(error.getKeyword()) && error.getProperty() != null) {
                path = path.key(error.getProperty());
                out.add(MergedConfig.problem(doc, path, "unknown key \"" + error.getProperty() + "\""));
                continue;
            }
            out.add(MergedConfig.problem(doc, path, messageOf(error)));
        }
        return out;
    }

    private static String messageOf(Error error) {
        String message = error.getMessage();
        // The library prefixes messages with the instance location, which we already print.
        int colon = message.indexOf(": ");
        if (message.startsWith("$") && colon > 0) {
            message = message.substring(colon + 2);
        }
        return message;
    }

    private static String readText() {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
