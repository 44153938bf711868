package io.tocsin.config;

import java.util.Locale;

/** How sensitive field names are compared: ignoring case, {@code _}, {@code -}, {@code .} and spaces, so customerEmail is customer_email. */
public final class SensitiveFields {
    private SensitiveFields() {
    }

    public static String normalise(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[_\\-.\\s]", "");
    }
}
