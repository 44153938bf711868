package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One provider call against a real local HTTP server that misbehaves after its status line: the
 * timeout bounds the whole answer, and a sender reads no more of a body than it can use.
 */
class ProviderCallTest {
    static final long HUGE = 200L * 1024 * 1024;

    final HttpServer server = start();
    final AtomicLong written = new AtomicLong();
    final CountDownLatch writerDone = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
            s.setExecutor(Executors.newCachedThreadPool());
            s.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    HttpRequest.Builder post(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    @Test
    void aReceiverThatStallsInTheMiddleOfItsBodyIsCutOffAtTheTimeout() throws Exception {
        server.createContext("/stall", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 100);
            OutputStream out = ex.getResponseBody();
            out.write("{\"".getBytes());
            out.flush();
            try {
                // Far longer than the timeout; the test ends it.
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        ProviderCall call = new ProviderCall(Duration.ofSeconds(1), Duration.ofSeconds(1));

        SendResult r = call.send(post("/stall"), a -> SendResult.sent(String.valueOf(a.status())));

        // Before, the timeout stopped at the headers: this waited for the receiver's whim (here a minute)
        // and then said the connection broke.
        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(r.providerStatus()).isEqualTo("timeout");
        assertThat(r.detail()).isEqualTo("no answer within 1000 ms");
    }

    @Test
    void aReceiverThatAnswersAHugeBodyIsReadOnlyAsFarAsASenderCanUse() throws Exception {
        server.createContext("/huge", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, HUGE);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try (OutputStream out = ex.getResponseBody()) {
                while (written.get() < HUGE) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException senderStoppedReading) {
                // what a sender that reads only what it needs does
            } finally {
                writerDone.countDown();
            }
        });
        ProviderCall call = new ProviderCall(Duration.ofSeconds(1), Duration.ofSeconds(30));

        SendResult r = call.send(post("/huge"), a -> SendResult.sent(a.status() + " " + a.body().length()));

        assertThat(r.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(r.providerStatus()).isEqualTo("200 " + ProviderCall.MAX_BODY);
        // The receiver could not push its 200 MB: the sender closed the connection after what it keeps.
        assertThat(writerDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(written.get()).isLessThan(HUGE);
    }

    @Test
    void aRetryAfterDateIsReadAgainstTheProvidersOwnClock() throws Exception {
        // The provider's clock is years behind ours: its date still means "in two minutes". A raw socket,
        // since the JDK's server writes a Date header of its own.
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (java.net.Socket c = raw.accept()) {
                    java.io.InputStream in = c.getInputStream();
                    byte[] buffer = new byte[8192];
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().contains("\r\n\r\n")) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        head.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                    c.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nDate: Wed, 01 Jan 2020 10:00:00 GMT\r\n"
                            + "Retry-After: Wed, 01 Jan 2020 10:02:00 GMT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                } catch (IOException ignored) {
                    // the assertion below says what went wrong
                }
            });
            answer.start();
            ProviderCall call = new ProviderCall(Duration.ofSeconds(5), Duration.ofSeconds(5));

            SendResult r = call.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/later"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")), a -> SendResult.sent(String.valueOf(a.status())));

            assertThat(r.outcome()).isEqualTo(SendResult.Outcome.RETRY);
            assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(2));
            answer.join(5_000);
        }
    }
}
