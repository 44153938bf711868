package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A slowloris against the real server: a thousand connections that send their headers and then only
 * part of a body (or part of their headers) and hold on. Health and an alert from a monitor must
 * still be answered at once, and the slow connections are answered and closed when their time is up.
 * The database plays no part here, so one (H2) is enough.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + SlowClientsTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        // Longer than this test waits for anything: the slow connections hold throughout (BodyTimeoutTest has the 408).
        "tocsin.http.body-timeout=120s",
        // small, so one test can fill it; the slowloris above must not: its connections sent a few bytes each
        "tocsin.http.body-memory=100KB",
        "tocsin.ingest.rate-per-minute=100000", "tocsin.ingest.burst=100000"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SlowClientsTest {
    static final String TOKEN = "slow-clients-token-0123456789";
    static final String KEY = "a1111111111111111111111111111111";
    /**
     * Before the fix nothing was answered while slow bodies held the threads, which they did until the body
     * timeout (120 s here); so any bound well under it tells the two apart, and 20 s leaves room for a busy
     * two-core build machine.
     */
    static final Duration QUICKLY = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    final List<Socket> slow = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(QUICKLY).build();

    @AfterEach
    void closeSlowConnections() throws IOException {
        for (Socket s : slow) {
            s.close();
        }
        slow.clear();
    }

    @Test
    void aThousandConnectionsThatNeverFinishLeaveHealthAndIngestAnswering() throws Exception {
        String[] targets = {"/api/v1/events", "/v2/enqueue", "/api/v1/integrations/alertmanager/am-api-0123456789", "/api/v1/tokens"};
        for (int i = 0; i < 1000; i++) {
            if (i % 5 == 4) {
                // the classic slowloris: headers that never end
                slow.add(open("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "));
            } else {
                slow.add(open("POST " + targets[i % targets.length] + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: 1000\r\n\r\n{\"summary\": \"par"));
            }
        }

        for (int round = 0; round < 3; round++) {
            HttpResponse<String> health = timed(HttpRequest.newBuilder(URI.create(base() + "/actuator/health")).GET());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
                assertThat(timed(HttpRequest.newBuilder(URI.create(base() + probe)).GET()).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> event = timed(HttpRequest.newBuilder(URI.create(base() + "/v2/enqueue"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\","
                            + "\"dedup_key\":\"slowloris-" + round + "\",\"payload\":{\"summary\":\"API down\",\"source\":\"probe\","
                            + "\"severity\":\"critical\"}}")));
            assertThat(event.statusCode()).as(event.body()).isEqualTo(202);
            HttpResponse<String> api = timed(HttpRequest.newBuilder(URI.create(base() + "/api/v1/incidents?limit=5"))
                    .header("Authorization", "Bearer " + TOKEN).GET());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).contains("slowloris-" + round);
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Socket s = open("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Tocsin-Key: ev-api-0123456789\r\nContent-Length: 100000000\r\n\r\n{");
        slow.add(s);
        s.setSoTimeout(15_000);
        assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 413").contains("(body)");
    }

    @Test
    void bodiesStillArrivingShareABoundedMemoryAndWhatDoesNotFitIsAskedToComeBack() throws Exception {
        String event = "{\"routing_key\":\"" + KEY + "\",\"event_action\":\"trigger\",\"dedup_key\":\"memory-%s\",\"payload\":"
                + "{\"summary\":\"API down\",\"source\":\"probe\",\"severity\":\"critical\"}}";
        // A client announcing a body of exactly the 100 KB that fits, sending all but its last byte, and waiting.
        // A fresh one for each try, so a try never meets one that has already been answered.
        Socket[] hog = new Socket[1];
        HttpResponse<String>[] refused = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (hog[0] != null) {
                hog[0].close();
            }
            hog[0] = open("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Tocsin-Key: ev-api-0123456789\r\nContent-Length: " + 100 * 1024 + "\r\n\r\n" + "x".repeat(100 * 1024 - 1));
            slow.add(hog[0]);
            refused[0] = postEvent(event.formatted(System.nanoTime()));
            return refused[0].statusCode() == 503;
        });
        assertThat(refused[0].headers().firstValue("Retry-After")).contains("1");
        assertThat(refused[0].body()).contains("too many request bodies");
        // Once the slow client is gone its share is free again.
        hog[0].close();
        await().atMost(Duration.ofSeconds(10)).until(() -> postEvent(event.formatted(System.nanoTime())).statusCode() == 202);
    }

    HttpResponse<String> postEvent(String json) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base() + "/v2/enqueue")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String base() {
        return "http://localhost:" + port;
    }

    Socket open(String text) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** Sends and requires the whole answer within {@link #QUICKLY}. */
    HttpResponse<String> timed(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(QUICKLY).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
