package io.tocsin.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP call to a provider with a hard timeout, its answer classified the same way for every
 * provider: 2xx sent; 408, 425, 429 and 5xx worth retrying (429 with its Retry-After); other 4xx
 * permanent; a timeout (no whole answer, status line to the body's last byte, within the timeout), a
 * reset connection or a refused one worth retrying.
 */
final class ProviderCall {
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /**
     * The most of an answer's body a sender reads: every provider's answer that matters (an id, an
     * {@code ok}, an error) is far shorter. A receiver answering megabytes (a URL that turned into a
     * download) gets its connection closed instead of filling the heap.
     */
    static final int MAX_BODY = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    ProviderCall(Duration connectTimeout, Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.timeout = timeout;
    }

    record Answer(int status, String body) {
    }

    /** What failed on the way to the provider, in words an operator reads in the dead letters (not a Java class name). */
    static String networkError(IOException e) {
        String what;
        if (e instanceof java.net.ConnectException) {
            what = "connection refused";
        } else if (e instanceof java.net.UnknownHostException) {
            what = "unknown host";
        } else if (e instanceof javax.net.ssl.SSLException) {
            what = "TLS failed";
        } else {
            what = "network error";
        }
        return what + (e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage());
    }

    /** Sends; {@code onSuccess} may still turn a 2xx with an unusable body into a failure. */
    SendResult send(HttpRequest.Builder request, java.util.function.Function<Answer, SendResult> onSuccess) {
        HttpResponse<String> r;
        CompletableFuture<HttpResponse<String>> call = null;
        try {
            // The request timeout alone stops at the status line and headers: a receiver that answers
            // them and then stalls in the body would hold this sender (and its lease) for ever. The
            // timeout covers the whole answer instead, and the call is cancelled (its connection
            // closed) when it runs out.
            call = client.sendAsync(request.timeout(timeout).build(), info -> new BoundedBody(MAX_BODY));
            r = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return timedOut();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return timedOut();
            }
            if (cause instanceof IOException io) {
                return SendResult.retry("io-error", null, networkError(io));
            }
            if (cause instanceof IllegalArgumentException bad) {
                return SendResult.permanent("bad-address", bad.getMessage());
            }
            return SendResult.retry("io-error", null, "network error: " + cause);
        } catch (InterruptedException e) {
            if (call != null) {
                call.cancel(true);
            }
            Thread.currentThread().interrupt();
            return SendResult.retry("interrupted", null, "interrupted");
        } catch (IllegalArgumentException e) {
            return SendResult.permanent("bad-address", e.getMessage());
        }
        int status = r.statusCode();
        String body = r.body() == null ? "" : r.body();
        String shortBody = body.length() > 500 ? body.substring(0, 500) + "..." : body;
        if (status / 100 == 2) {
            return onSuccess.apply(new Answer(status, body));
        }
        if (status == 429) {
            return SendResult.retry("429", retryAfter(r).orElse(null), shortBody);
        }
        if (status == 408 || status == 425 || status / 100 == 5) {
            return SendResult.retry(String.valueOf(status), retryAfter(r).orElse(null), shortBody);
        }
        return SendResult.permanent(String.valueOf(status), shortBody);
    }

    /** The body as text (UTF-8), its first {@code max} bytes only; past them the rest is not read and the connection closes. */
    static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final int max;
        private java.util.concurrent.Flow.Subscription subscription;

        BoundedBody(int max) {
            this.max = max;
        }

        @java.lang.Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return body;
        }

        @java.lang.Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @java.lang.Override
        public void onNext(java.util.List<java.nio.ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (java.nio.ByteBuffer b : items) {
                int n = Math.min(b.remaining(), max - bytes.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.write(chunk, 0, n);
                if (bytes.size() >= max) {
                    subscription.cancel();
                    body.complete(text());
                    return;
                }
            }
        }

        @java.lang.Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @java.lang.Override
        public void onComplete() {
            body.complete(text());
        }

        private String text() {
            return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private SendResult timedOut() {
        return SendResult.retry("timeout", null, "no answer within " + timeout.toMillis() + " ms");
    }

    /** Retry-After in seconds or as an HTTP date, capped so a provider cannot park a page for days. */
    static Optional<Duration> retryAfter(HttpResponse<?> r) {
        Optional<String> header = r.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().trim();
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant until = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                // Measured against the provider's own clock (its Date header) when it sends one: a date is
                // the provider's, and its clock and ours need not agree (RFC 9110 10.2.3).
                Instant providerNow = r.headers().firstValue("Date").map(date -> {
                    try {
                        return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    } catch (RuntimeException unreadable) {
                        return null;
                    }
                }).orElseGet(Instant::now);
                d = Duration.between(providerNow, until);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return Optional.of(d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d);
    }
}
