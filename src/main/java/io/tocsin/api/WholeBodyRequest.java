package io.tocsin.api;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request with its body already read by {@link WholeBodyFilter}: the body is served from memory,
 * and a form's fields (the sign-in form, the UI's CSRF field) are parsed from it, since the
 * container's own parsing would find the stream already consumed.
 */
final class WholeBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private Map<String, String[]> parameters;

    WholeBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    /** Runs as the request it is: filters that let an async dispatch pass (it would have met them before) must act. */
    @java.lang.Override
    public jakarta.servlet.DispatcherType getDispatcherType() {
        return jakarta.servlet.DispatcherType.REQUEST;
    }

    @java.lang.Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @java.lang.Override
            public int read() {
                return in.read();
            }

            @java.lang.Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @java.lang.Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @java.lang.Override
            public boolean isReady() {
                return true;
            }

            @java.lang.Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the body has been read already; read it with blocking calls");
            }
        };
    }

    @java.lang.Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset()));
    }

    @java.lang.Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values[0];
    }

    @java.lang.Override
    public Map<String, String[]> getParameterMap() {
        return parameters();
    }

    @java.lang.Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @java.lang.Override
    public String[] getParameterValues(String name) {
        return parameters().get(name);
    }

    private Charset charset() {
        String encoding = getCharacterEncoding();
        return encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    }

    private boolean isForm() {
        String type = getContentType();
        return type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
    }

    /** The query string's fields, then the form body's, in order; parsed on first use (after the encoding is set). */
    private Map<String, String[]> parameters() {
        if (parameters == null) {
            if (!isForm()) {
                parameters = super.getParameterMap();
            } else {
                Map<String, List<String>> all = new LinkedHashMap<>();
                parse(getQueryString(), StandardCharsets.UTF_8, all);
                parse(new String(body, StandardCharsets.ISO_8859_1), charset(), all);
                Map<String, String[]> result = new LinkedHashMap<>();
                all.forEach((k, v) -> result.put(k, v.toArray(String[]::new)));
                parameters = Collections.unmodifiableMap(result);
            }
        }
        return parameters;
    }

    private static void parse(String text, Charset charset, Map<String, List<String>> into) {
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
     * Percent-decoding over bytes: {@code raw} holds the body's bytes one char each (ISO-8859-1), and
     * the decoded bytes are read in the request's charset, so multi-byte characters come out whole.
     */
    private static String decode(String raw, Charset charset) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("incomplete escape");
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(charset);
    }
}
