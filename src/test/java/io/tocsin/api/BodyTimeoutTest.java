package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A body that does not arrive within {@code tocsin.http.body-timeout} is answered 408 and its connection closed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + SlowClientsTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.http.body-timeout=3s"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BodyTimeoutTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    @Test
    void aBodyThatDoesNotArriveInTimeIsAnswered408AndTheConnectionClosed() throws Exception {
        Socket s = open("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Tocsin-Key: ev-api-0123456789\r\nContent-Length: 500\r\n\r\n{\"summary\": \"par");
        long start = System.nanoTime();
        s.setSoTimeout(60_000);
        String answer;
        try (s) {
            answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(answer).startsWith("HTTP/1.1 408").contains("Connection: close").contains("\"title\":\"Body too slow\"");
        // not before the body timeout (3 s): the answer is the timeout's, not an early refusal
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
    }

    Socket open(String text) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }
}
