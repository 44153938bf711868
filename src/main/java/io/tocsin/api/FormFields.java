package io.tocsin.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * URL-encoded fields (a query string or an {@code application/x-www-form-urlencoded} body) as the
 * server reads them: {@link WholeBodyRequest} for every form, and Twilio's callbacks to tell the
 * body's fields from the query's. A pair with a broken escape is skipped, as the container skips it.
 */
final class FormFields {
    private FormFields() {
    }

    /** The fields of {@code text}, in order, each name with its values. */
    static Map<String, List<String>> parse(String text, Charset charset) {
        Map<String, List<String>> into = new LinkedHashMap<>();
        parse(text, charset, into);
        return into;
    }

    /** Adds the fields of {@code text} to {@code into}; {@code text} holds bytes one char each (ISO-8859-1) or a query string. */
    static void parse(String text, Charset charset, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                // both decoded before the field is added: a broken value must not leave its name with no value
                String decodedKey = decode(key, charset);
                String decodedValue = decode(value, charset);
                into.computeIfAbsent(decodedKey, k -> new ArrayList<>()).add(decodedValue);
            } catch (IllegalArgumentException malformed) {
                // a broken escape is skipped, as the container skips it
            }
        }
    }

    /**
     * Percent-decoding over bytes: {@code raw} holds the bytes one char each, and the decoded bytes
     * are read in {@code charset}, so multi-byte characters come out whole. An escape is a % and two
     * hex digits, nothing else (not "%-1", which Integer.parseInt would take for a negative number).
     */
    static String decode(String raw, Charset charset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hex(raw.charAt(i + 2));
                if (low < 0) {
                    throw new IllegalArgumentException("broken escape at " + i);
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(charset);
    }

    /** An ASCII hex digit's value, or -1 (Character.digit would also take other scripts' digits). */
    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
