package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.TocsinApplication;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A number's per-minute limit holds for every sender of every node together, not for each: two
 * senders that each read "nothing sent to this number yet" and each sent would ring a phone four
 * times in a minute whose limit is three. Sends take a while here (the fake answers after 300 ms), as
 * they do at a real provider, so a sender is mid-send while the other decides.
 */
class SmsLimitAcrossNodesTest {
    static final String TOKEN = "sms-limit-test-token-0123456789";
    static final String BATCH_KEY = TwilioFlowContract.BATCH_KEY;
    static final String ROSA = TwilioFlowContract.ROSA;
    static final FakeTwilio TWILIO = FakeTwilio.start(TwilioFlowContract.SID, TwilioFlowContract.AUTH);

    static Stream<TestDatabases.Target> databases() {
        return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
    }

    static ConfigurableApplicationContext node(TestDatabases.Target db) {
        return new SpringApplicationBuilder(TocsinApplication.class).run("--server.port=0", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                "--tocsin.admin-token=" + TOKEN, "--tocsin.admin-token-file=target/sms-limit-token", "--tocsin.handoff.enabled=false",
                "--tocsin.config.path=src/test/resources/orgs/phone", "--tocsin.notify.poll-interval=50ms",
                "--tocsin.public-url=" + TwilioFlowContract.PUBLIC_URL, "--tocsin.notify.twilio.account-sid=" + TwilioFlowContract.SID,
                "--tocsin.notify.twilio.auth-token=" + TwilioFlowContract.AUTH, "--tocsin.notify.twilio.from=" + TwilioFlowContract.FROM,
                "--tocsin.notify.twilio.base-url=" + TWILIO.baseUrl());
    }

    static HttpCalls api(ConfigurableApplicationContext node) {
        return new HttpCalls("http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort(), TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoNodesSendingToOneNumberKeepItsLimitBetweenThem(TestDatabases.Target db) throws Exception {
        TWILIO.reset();
        TWILIO.answerMessagesAfter(Duration.ofMillis(300));
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        try {
            nodes.add(node(db));
            nodes.add(node(db));
            long run = System.nanoTime();
            // One page after another, to alternate nodes, each opened once the one before has been taken up by a
            // sender (in flight, sent, carried, held back or put off): each arrives while a sender of one node or
            // the other is still inside its 300 ms send.
            org.springframework.jdbc.core.simple.JdbcClient rows = nodes.get(0).getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            for (int i = 0; i < 8; i++) {
                String dedup = "limit-" + run + "-" + i;
                HttpCalls.Answer a = api(nodes.get(i % 2)).withToken(null).postJson("/v2/enqueue", Map.of("routing_key", BATCH_KEY,
                        "event_action", "trigger", "dedup_key", dedup,
                        "payload", Map.of("summary", "nightly batch late " + dedup, "source", "cron", "severity", "critical")));
                assertThat(a.status()).as(a.body()).isEqualTo(202);
                int pages = i + 1;
                Awaitility.await("page " + i + " taken up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() ->
                        rows.sql("SELECT COUNT(*) FROM notification").query(Long.class).single() == pages
                                && rows.sql("SELECT COUNT(*) FROM notification WHERE status = 'PENDING' AND lease_until IS NULL "
                                        + "AND (provider_status IS NULL OR provider_status <> 'throttled') AND due_at <= ?")
                                        .param(java.time.OffsetDateTime.now()).query(Long.class).single() == 0);
            }
            HttpCalls api = api(nodes.get(0));

            // Settled: every page sent, carried inside another's message, or held back for the next minute.
            List<JsonNode> pages = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                List<JsonNode> out = new ArrayList<>();
                for (JsonNode incident : api.get("/api/v1/incidents?limit=100").json()) {
                    for (JsonNode d : api.get("/api/v1/incidents/" + incident.path("id").asString() + "/deliveries").json()) {
                        out.add(d);
                    }
                }
                return out;
            }, out -> out.size() == 8 && out.stream().allMatch(d -> switch (d.path("status").asString()) {
                case "SENT", "BUNDLED" -> true;
                case "PENDING" -> "throttled".equals(d.path("provider_status").asString());
                default -> false;
            }));

            List<FakeTwilio.Request> toRosa = TWILIO.requests().stream().filter(r -> r.to().equals(ROSA)).toList();
            assertThat(toRosa).as("messages to Rosa's number in one minute (limit 3)").hasSizeLessThanOrEqualTo(3);
            assertThat(pages.stream().filter(d -> d.path("status").asString().equals("SENT"))).hasSize(toRosa.size());
            // What each message carried adds up to every page that is not waiting for the next minute.
            int carried = toRosa.stream().mapToInt(r -> {
                String body = r.form().get("Body");
                return body.matches("(?s)\\d+ pages: .*") ? Integer.parseInt(body.substring(0, body.indexOf(' '))) : 1;
            }).sum();
            assertThat(carried).isEqualTo(pages.stream().filter(d -> !d.path("status").asString().equals("PENDING")).count());
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
            TWILIO.reset();
        }
    }
}
