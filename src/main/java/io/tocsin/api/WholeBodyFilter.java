package io.tocsin.api;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request reaches the application only once its whole body has arrived. Tomcat hands a request to
 * a worker thread as soon as its headers are in, and a controller reading the body then blocks that
 * thread for as long as the client takes: two hundred clients that send half a body held every
 * thread, and the server, health checks included, answered nobody. Here the body is read without a
 * thread (servlet non-blocking I/O) while it arrives; a thread is taken only to run the request. A
 * body already whole in the container's buffer when the request starts is taken as it is.
 *
 * <p>Bounded three ways: a body must arrive within {@code tocsin.http.body-timeout} (408 and the
 * connection closed otherwise), be at most what its endpoint takes (413: {@link RequestLimits#bodyLimit},
 * never more than {@code tocsin.http.max-body-size}; refused before a byte is read when Content-Length
 * says so, else as soon as the bytes read pass it), and all bodies still arriving together hold at most
 * {@code tocsin.http.body-memory} (503 with Retry-After beyond: before reading a body whose
 * Content-Length does not fit, or as soon as bytes arriving do not). A body that cannot be read (a
 * broken chunk) is answered 400. This is the one place a body's size is checked before it is parsed.
 */
final class WholeBodyFilter implements Filter {
    private static final int CHUNK = 16 * 1024;
    private static final String BODY = WholeBodyFilter.class.getName() + ".body";

    private final long maxBody;
    private final java.util.function.ToLongFunction<String> endpointLimit;
    private final Duration timeout;
    private final Budget budget;

    /** {@code endpointLimit}: the largest body a path takes; {@code maxBody} caps it for every path. */
    WholeBodyFilter(long maxBody, java.util.function.ToLongFunction<String> endpointLimit, Duration timeout, long memory) {
        this.maxBody = maxBody;
        this.endpointLimit = endpointLimit;
        this.timeout = timeout;
        this.budget = new Budget(memory);
    }

    @java.lang.Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (request.getDispatcherType() == DispatcherType.ASYNC && request.getAttribute(BODY) instanceof byte[] body) {
            // The body is in: the request runs now, through every filter as the request it is.
            request.removeAttribute(BODY);
            chain.doFilter(new WholeBodyRequest(request, body), response);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST || !hasBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        long limit = Math.min(maxBody, endpointLimit.applyAsLong(request.getRequestURI().substring(request.getContextPath().length())));
        if (declared > limit) {
            tooLarge(response, limit);
            return;
        }
        String type = request.getContentType();
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            // No endpoint takes multipart bodies; they are the one kind the request would parse from the raw stream.
            refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "Content-Type",
                    "multipart bodies are not accepted", null);
            return;
        }
        if (wildcard(type)) {
            // a wildcard says nothing about a body; the framework would fail on it rather than refuse it
            refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", "Content-Type",
                    "a wildcard is not a media type: say what the body is", null);
            return;
        }
        if (!budget.admits(Math.max(declared, 0))) {
            // Refused before a byte of it is read, so the client gets this answer whole.
            refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Too many bodies arriving", "(body)",
                    "the server is receiving too many request bodies at once; retry shortly", 1L);
            return;
        }
        byte[] arrived = declared > 0 && declared <= CHUNK ? alreadyHere(request.getInputStream(), (int) declared) : new byte[0];
        if (arrived.length == declared) {
            // The whole body came with the headers (almost every event a monitor sends): the request runs
            // now, in this dispatch, instead of being handed to a read listener and dispatched again.
            chain.doFilter(new WholeBodyRequest(request, arrived), response);
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(timeout.toMillis());
        Reader reader = new Reader(request, response, async, declared, limit);
        async.addListener(reader);
        if (!reader.take(arrived, arrived.length)) {
            return;
        }
        request.getInputStream().setReadListener(reader);
    }

    /**
     * What of a body of {@code declared} bytes the container already holds, read without blocking: a
     * read is made only while it says bytes are waiting in its buffer (it never reads the socket for
     * that answer), so a client that sent half a body holds no thread here.
     */
    private static byte[] alreadyHere(ServletInputStream in, int declared) throws IOException {
        byte[] body = new byte[declared];
        int n = 0;
        while (n < declared && in.available() > 0) {
            int read = in.read(body, n, declared - n);
            if (read < 0) {
                break;
            }
            n += read;
        }
        return n == declared ? body : java.util.Arrays.copyOf(body, n);
    }

    /** A request body is announced by Content-Length or chunked transfer coding; anything else has none. */
    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
    }

    /** A wildcard media type (any type, or any subtype of one): no description of a body. */
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

    static void tooLarge(HttpServletResponse response, long limit) throws IOException {
        refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Too large", "(body)",
                "the request body exceeds " + limit + " bytes", null);
    }

    /** Detail and field message are plain text without quotes or backslashes (they are written as JSON as they are). */
    static void refuse(HttpServletResponse response, int status, String title, String field, String detail, Long retryAfterSeconds)
            throws IOException {
        response.setStatus(status);
        // The rest of a refused body is not worth reading: the connection ends with this answer.
        response.setHeader("Connection", "close");
        if (retryAfterSeconds != null) {
            response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        response.setContentType("application/problem+json");
        byte[] json = ("{\"type\":\"https://tocsin.io/problems/" + title.toLowerCase().replace(' ', '-')
                + "\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + field + ": " + detail
                + "\",\"errors\":[{\"field\":\"" + field + "\",\"message\":\"" + detail + "\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // A length, not "until the connection closes": the client may still be sending the body it was
        // refused, and a close with unread bytes resets the connection; with a length it has the whole answer
        // before that.
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
        response.flushBuffer();
    }

    /** Collects one body as it arrives, then runs the request with it; or answers why it will not. */
    private final class Reader implements ReadListener, AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final ByteArrayOutputStream body;
        private final AtomicBoolean settled = new AtomicBoolean();
        private final long limit;
        private volatile long reserved;

        Reader(HttpServletRequest request, HttpServletResponse response, AsyncContext async, long declared, long limit) {
            this.request = request;
            this.response = response;
            this.async = async;
            this.limit = limit;
            // small at first: a thousand connections that sent a few bytes each hold a few bytes each
            this.body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), 1024));
        }

        @java.lang.Override
        public void onDataAvailable() {
            try {
                read();
            } catch (IOException unreadable) {
                // A broken chunk or the client gone: the container marks the request failed and calls
                // onError(AsyncEvent) next, which answers. Answering here instead, before the container
                // has raised that error, lets it replace the answer with its own 500.
            }
        }

        private void read() throws IOException {
            ServletInputStream in = request.getInputStream();
            byte[] chunk = new byte[CHUNK];
            while (in.isReady() && !in.isFinished()) {
                int n = in.read(chunk);
                if (n < 0) {
                    // the client closed the connection before its body was complete
                    onError(new java.io.EOFException("the body ended early"));
                    return;
                }
                if (!take(chunk, n)) {
                    return;
                }
            }
        }

        /** Adds {@code n} bytes of the body; false when that refused the request (too large, or no memory left for it). */
        boolean take(byte[] chunk, int n) {
            body.write(chunk, 0, n);
            if (body.size() > limit) {
                settle(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Too large", "the request body exceeds " + limit + " bytes", null);
                return false;
            }
            if (body.size() > reserved) {
                // Counted as bytes arrive, not as Content-Length claims: a client announcing a large
                // body and sending nothing must not use up the budget of everyone else.
                long more = body.size() - reserved;
                if (!budget.reserve(more)) {
                    settle(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Too many bodies arriving",
                            "the server is receiving too many request bodies at once; retry shortly", 1L);
                    return false;
                }
                reserved += more;
            }
            return true;
        }

        @java.lang.Override
        public void onAllDataRead() {
            if (settled.compareAndSet(false, true)) {
                // Dispatched again as it was, on a worker thread: the container builds the filter chain anew
                // (the first dispatch's chain is gone once it returned) and this filter hands the body on.
                request.setAttribute(BODY, body.toByteArray());
                async.dispatch();
            }
        }

        @java.lang.Override
        public void onError(Throwable t) {
            // The read failed; the container calls onError(AsyncEvent) after this, and that answers.
        }

        @java.lang.Override
        public void onTimeout(AsyncEvent event) {
            settle(HttpServletResponse.SC_REQUEST_TIMEOUT, "Body too slow",
                    "the body did not arrive within " + timeout.toSeconds() + " s", null);
        }

        /**
         * The client went away, stopped sending for longer than the connection timeout, or sent a body
         * that cannot be read (a broken chunk): answered 400, written to nobody if the client is gone.
         * Completing here, in the container's error event, is what keeps it from answering 500.
         */
        @java.lang.Override
        public void onError(AsyncEvent event) {
            settle(HttpServletResponse.SC_BAD_REQUEST, "Unreadable body", "the body could not be read", null);
        }

        @java.lang.Override
        public void onComplete(AsyncEvent event) {
            // Every way a request ends comes here once: run, refused, timed out, or the client gone.
            budget.release(reserved);
        }

        @java.lang.Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }

        private void settle(int status, String title, String detail, Long retryAfter) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            try {
                refuse(response, status, title, "(body)", detail, retryAfter);
            } catch (IOException | IllegalStateException ignored) {
                // the client is gone
            } finally {
                async.complete();
            }
        }
    }

    /** Bytes that bodies still arriving may hold together, so many slow clients cannot exhaust memory. */
    static final class Budget {
        private final long limit;
        private final AtomicLong used = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        /** Whether a body this large fits now (nothing is held for it: bytes are counted as they arrive). */
        boolean admits(long bytes) {
            return used.get() + bytes <= limit;
        }

        boolean reserve(long bytes) {
            while (true) {
                long now = used.get();
                if (now + bytes > limit) {
                    return false;
                }
                if (used.compareAndSet(now, now + bytes)) {
                    return true;
                }
            }
        }

        void release(long bytes) {
            used.addAndGet(-bytes);
        }
    }
}
