package io.tocsin.notify;

import static io.tocsin.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The organisation's own templates word the pages, and its sensitive fields never leave: a
 * PagerDuty event carrying a customer's e-mail, id and card number in its custom details becomes a
 * webhook call and an e-mail (in a real SMTP server) worded by the configured templates, with the
 * other details listed and none of the sensitive values anywhere in them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + TemplatesFlowContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.timeout=700ms",
        "tocsin.notify.connect-timeout=500ms",
        "tocsin.notify.email.from=tocsin@example.com",
        "tocsin.notify.slack.bot-token=" + TemplatesFlowContract.SLACK_TOKEN})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class TemplatesFlowContract {
    static final String TOKEN = "templates-test-token-0123456789";
    static final String KEY = "b3333333333333333333333333333333";
    static final String CUSTOMER_EMAIL = "jane.doe@customer.example";
    static final String CUSTOMER_ID = "CUST-991733";
    static final String CARD = "4111 1111 1111 1111";
    static final String OTHER_EMAIL = "ops-team@other.example";
    static final String PHONE = "+40 721 234 567";

    static final String SLACK_TOKEN = "xoxb-3333-4444-templates";
    static final FakeProvider HOOKS = new FakeProvider();
    static final io.tocsin.testing.FakeChatServer SLACK = new io.tocsin.testing.FakeChatServer(SLACK_TOKEN);
    static final GreenMail MAIL = io.tocsin.testing.LocalSmtp.start(0);
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/templates", "${HOOK}", HOOKS.baseUrl());

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    HandoffNotices handoffs;

    HttpCalls api;

    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        io.tocsin.testing.LocalSmtp.use(registry, MAIL);
        registry.add("tocsin.notify.ntfy.base-url", () -> HOOKS.baseUrl() + "/ntfy");
        registry.add("tocsin.notify.slack.base-url", SLACK::slackApi);
    }

    @BeforeEach
    void setUp() throws Exception {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
        api.resolveAllOpen();
        HOOKS.clear();
        MAIL.purgeEmailFromAllMailboxes();
    }

    @Test
    void pagesFollowTheConfiguredTemplatesAndCarryNoSensitiveValue() throws Exception {
        String nonce = "n" + System.nanoTime();
        String summary = "refund " + nonce + " failed for " + CUSTOMER_EMAIL + " (" + CUSTOMER_ID + "), tell " + OTHER_EMAIL
                + " or call " + PHONE;
        String dedup = "t-" + nonce;
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", summary, "source", "payments", "severity", "critical",
                        "custom_details", Map.of("customer_email", CUSTOMER_EMAIL, "order", "A-1001",
                                "customer", Map.of("Customer_ID", CUSTOMER_ID, "tier", "gold"),
                                "payment", Map.of("card_number", CARD, "brand", "visa")))));
        assertThat(a.status()).isEqualTo(202);
        String id = incidentId(dedup);
        String masked = "refund " + nonce + " failed for [redacted] ([redacted]), tell [email] or call [phone]";

        // The webhook: its own subject template, the kind's text template with the details listed.
        await(() -> !hooks(nonce).isEmpty(), () -> "no webhook call for " + nonce);
        FakeProvider.Request call = hooks(nonce).get(0);
        JsonNode body = HttpCalls.JSON.readTree(call.body());
        assertThat(body.path("subject").asString()).isEqualTo("hook INC-" + id + ": " + masked);
        assertThat(body.path("text").asString()).startsWith("INC-" + id + " (P1) on api: " + masked + "\n")
                .contains("\norder: A-1001\n").contains("\ncustomer.tier: gold\n").contains("\npayment.brand: visa\n")
                .contains("Acknowledge: http");
        assertSensitiveFree(call.body());

        // The e-mail five minutes later: the kind's subject template; text and HTML parts clean too.
        clock.advance(Duration.ofMinutes(5));
        await(() -> !mails(nonce).isEmpty(), () -> "no e-mail for " + nonce);
        MimeMessage mail = mails(nonce).get(0);
        assertThat(mail.getSubject()).isEqualTo("P1 #" + id + " on api: " + masked);
        String raw = GreenMailUtil.getWholeMessage(mail).replace("=\r\n", "");
        assertThat(raw).contains("order: A-1001");
        assertSensitiveFree(raw);
        assertSensitiveFree(mail.getSubject());
    }

    /**
     * A test page: the kind's subject on every channel, the e-mail's own HTML part. (Notices of incidents
     * resolved by setUp may arrive meanwhile: the test page is the message carrying the test subject.)
     */
    @Test
    void aTestPageFollowsTheTestTemplates() throws Exception {
        Answer a = api.postJson("/api/v1/people/alice/test-page", "{}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("all_sent").asBoolean()).as(a.body()).isTrue();
        await(() -> HOOKS.requests(r -> r.path().equals("/hook/alice") && subject(r).equals("Test for Alice Ionescu via hook")).size() == 1,
                () -> "no test page by webhook with the test subject: " + HOOKS.requestsTo("/hook/alice"));
        await(() -> testMails().size() == 1, () -> "no test page by e-mail with the test subject");
        assertThat(GreenMailUtil.getWholeMessage(testMails().get(0)).replace("=\r\n", "")).contains("<p>Test page for <b>Alice Ionescu</b></p>");
    }

    /** A notice: alice, who was paged, hears of the resolution by e-mail with the notice template's subject. */
    @Test
    void aNoticeFollowsTheNoticeTemplate() throws Exception {
        String nonce = "n" + System.nanoTime();
        String dedup = "notice-" + nonce;
        assertThat(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "queue " + nonce + " stuck", "source", "payments", "severity", "critical"))).status()).isEqualTo(202);
        String id = incidentId(dedup);
        await(() -> !hooks(nonce).isEmpty(), () -> "no page for " + nonce);
        assertThat(api.post("/api/v1/incidents/" + id + "/resolve", "application/json", "").status()).isEqualTo(200);
        String expected = "Notice INC-" + id + ": resolved by admin";
        await(() -> Arrays.stream(MAIL.getReceivedMessages()).anyMatch(m -> {
            try {
                return expected.equals(m.getSubject()) && m.getAllRecipients()[0].toString().equals("alice@example.com");
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }), () -> "no notice \"" + expected + "\" by e-mail to alice");
    }

    /**
     * A chat post follows the chat templates: the team's #backend hears of the opening in Slack with the
     * chat subject as the message's text and the chat text in its block, from the incident's own fields.
     */
    @Test
    void aChatPostFollowsTheChatTemplates() {
        String nonce = "n" + System.nanoTime();
        String dedup = "chat-" + nonce;
        assertThat(api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "ledger " + nonce + " behind", "source", "payments", "severity", "critical"))).status())
                .isEqualTo(202);
        String id = incidentId(dedup);
        io.tocsin.testing.FakeChatServer.Request post = SLACK.await(r -> r.path().equals("/api/chat.postMessage") && r.body().contains(nonce)
                && "#backend".equals(r.json().path("channel").asString()), Duration.ofSeconds(10), "the opening post in #backend");
        assertThat(post.header("Authorization")).isEqualTo("Bearer " + SLACK_TOKEN);
        JsonNode body = post.json();
        assertThat(body.path("text").asString()).isEqualTo("chat INC-" + id + " triggered: ledger " + nonce + " behind");
        assertThat(body.path("blocks").get(0).path("text").path("text").asString())
                .startsWith("INC-" + id + " (P1, triggered) opened as P1 on service api");
    }

    /**
     * A hand-off follows the handoff templates: at Monday 09:00 Bucharest Bob hands the rota to Alice, and
     * both are told by e-mail with the configured subject, text and HTML around the briefing.
     */
    @Test
    void aHandoffFollowsTheHandoffTemplates() throws Exception {
        // Monday 2026-03-30 09:00 in Bucharest (summer time began the day before): week 12 of the rota, Alice's; Bob's ends.
        clock.set(java.time.Instant.parse("2026-03-30T06:00:30Z"));
        handoffs.poll();
        await(() -> handoffMails().size() == 2, () -> "two hand-over e-mails, got " + handoffMails().size());
        List<String> to = new java.util.ArrayList<>();
        for (MimeMessage m : handoffMails()) {
            to.add(m.getAllRecipients()[0].toString());
            String raw = GreenMailUtil.getWholeMessage(m).replace("=\r\n", "");
            assertThat(raw).contains("Your hand-over briefing follows.").contains("(worded by the organisation's handoff template)")
                    .contains("<h1>Hand-over</h1>").contains("Bob Popescu (bob) hands over to Alice Ionescu (alice)");
        }
        assertThat(to).containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
    }

    static List<MimeMessage> handoffMails() {
        return mailsWithSubject("Hand-over, Templates Test Org");
    }

    static String subject(FakeProvider.Request r) {
        return HttpCalls.JSON.readTree(r.body()).path("subject").asString();
    }

    static List<MimeMessage> testMails() {
        return mailsWithSubject("Test for Alice Ionescu via email");
    }

    static List<MimeMessage> mailsWithSubject(String subject) {
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /**
     * The signed link in a page opens a page anyone holding the link sees, without an API token: it
     * shows the summary masked exactly as the page was, before and after the button is pressed.
     */
    @Test
    void theSignedLinkPageShowsTheSummaryMaskedAsThePageWas() throws Exception {
        String nonce = "n" + System.nanoTime();
        String summary = "refund " + nonce + " failed for " + CUSTOMER_EMAIL + " (" + CUSTOMER_ID + "), tell " + OTHER_EMAIL;
        String dedup = "l-" + nonce;
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", summary, "source", "payments", "severity", "critical",
                        "custom_details", Map.of("customer", Map.of("customer_id", CUSTOMER_ID)))));
        assertThat(a.status()).isEqualTo(202);
        String id = incidentId(dedup);
        await(() -> !hooks(nonce).isEmpty(), () -> "no webhook call for " + nonce);
        String url = HttpCalls.JSON.readTree(hooks(nonce).get(0).body()).path("acknowledge_url").asString();
        String link = url.substring(url.indexOf("/links/"));

        Answer shown = api.withToken(null).get(link);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).contains("INC-" + id + " P1 on api: refund " + nonce + " failed for [email] ([redacted]), tell [email]")
                .contains("Acknowledge as alice");
        assertSensitiveFree(shown.body());

        Answer pressed = api.withToken(null).post(link, "application/x-www-form-urlencoded", "");
        assertThat(pressed.status()).isEqualTo(200);
        assertThat(pressed.body()).contains("INC-" + id + " is acknowledged");
        assertSensitiveFree(pressed.body());
        // Read with a token, the incident is masked the same way: every place that shows it redacts it.
        assertThat(api.get("/api/v1/incidents/" + id).json().path("incident").path("summary").asString())
                .isEqualTo("refund " + nonce + " failed for [email] ([redacted]), tell [email]");
    }

    static void assertSensitiveFree(String sent) {
        assertThat(sent).doesNotContain(CUSTOMER_EMAIL).doesNotContain(CUSTOMER_ID).doesNotContain(CARD)
                .doesNotContain(OTHER_EMAIL).doesNotContain(PHONE).doesNotContain("customer_email")
                .doesNotContain("card_number").doesNotContainIgnoringCase("customer_id");
    }

    List<FakeProvider.Request> hooks(String nonce) {
        return HOOKS.requests(r -> r.path().equals("/hook/alice") && r.body().contains(nonce));
    }

    List<MimeMessage> mails(String nonce) {
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().equals("alice@example.com"))
                        && m.getSubject().contains(nonce);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    String incidentId(String dedup) {
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("id").asString().replace("INC-", "");
            }
        }
        throw new AssertionError("no incident for " + dedup);
    }
}
