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
                FormFields.parse(getQueryString(), StandardCharsets.UTF_8, all);
                FormFields.parse(new String(body, StandardCharsets.ISO_8859_1), charset(), all);
                Map<String, String[]> result = new LinkedHashMap<>();
                all.forEach((k, v) -> result.put(k, v.toArray(String[]::new)));
                parameters = Collections.unmodifiableMap(result);
            }
        }
        return parameters;
    }
}
