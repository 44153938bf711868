package io.tocsin.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a body larger than its endpoint takes ({@link RequestLimits#bodyLimit}) with 413 before it
 * is parsed: at once when Content-Length says so, else as soon as reading passes the limit (a chunked
 * body). Without it a 10 MB JSON or YAML body is read whole into memory and parsed. The monitoring
 * endpoints keep their own 512 KB limit and their senders' answer formats, so they are left alone.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BodyLimitFilter extends OncePerRequestFilter {
    private final RequestLimits limits;

    BodyLimitFilter(RequestLimits limits) {
        this.limits = limits;
    }

    @java.lang.Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/v2/") || path.startsWith("/api/v1/integrations/") || path.equals("/api/v1/events")
                || path.startsWith("/api/v1/heartbeats/");
    }

    @java.lang.Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = limits.bodyLimit(request.getRequestURI().substring(request.getContextPath().length()));
        if (request.getContentLengthLong() > limit) {
            tooLarge(response, limit);
            return;
        }
        if (wildcard(request.getContentType())) {
            unsupported(response, request.getContentType());
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    /** {@code * / *} says nothing about a body; the framework would fail on it rather than refuse it. */
    static boolean wildcard(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            org.springframework.http.MediaType type = org.springframework.http.MediaType.parseMediaType(contentType);
            return type.isWildcardType() || type.isWildcardSubtype();
        } catch (org.springframework.http.InvalidMediaTypeException unreadable) {
            return false; // refused as unsupported further on, with the endpoint's own list of types
        }
    }

    static void unsupported(HttpServletResponse response, String contentType) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"https://tocsin.io/problems/unsupported-media-type\",\"title\":\"Unsupported Media Type\","
                + "\"status\":415,\"detail\":\"Content-Type: a body must say what it is, not a wildcard\","
                + "\"errors\":[{\"field\":\"Content-Type\",\"message\":\"a wildcard is not a media type\"}]}");
    }

    static void tooLarge(HttpServletResponse response, long limit) throws IOException {
        response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        response.setContentType("application/problem+json");
        // The rest of the body is not read: tell the client the connection ends here.
        response.setHeader("Connection", "close");
        response.getWriter().write("{\"type\":\"https://tocsin.io/problems/too-large\",\"title\":\"Too large\",\"status\":413,"
                + "\"detail\":\"(body): the request body exceeds " + limit + " bytes\","
                + "\"errors\":[{\"field\":\"(body)\",\"message\":\"exceeds " + limit + " bytes\"}]}");
    }

    /** Reading past the limit: turned into a 413 by {@link ApiProblems}. */
    static final class BodyTooLarge extends IOException {
        final long limit;

        BodyTooLarge(long limit) {
            super("the request body exceeds " + limit + " bytes");
            this.limit = limit;
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @java.lang.Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        private int count(int n) throws IOException {
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw new BodyTooLarge(limit);
                }
            }
            return n;
        }

        @java.lang.Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @java.lang.Override
        public int read(byte[] b, int off, int len) throws IOException {
            return count(in.read(b, off, len));
        }

        @java.lang.Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @java.lang.Override
        public boolean isReady() {
            return in.isReady();
        }

        @java.lang.Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
