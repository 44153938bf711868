package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.tocsin.cli.CliRun;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * What an alert says beyond its summary reaches the responder wherever they look: the API (as
 * structured JSON), {@code tocsin incident show}, and the pages worded by the bundled templates (a
 * webhook, an e-mail with text and HTML parts). The organisation's sensitive fields are redacted in
 * every one of them, and only http(s) addresses become links.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + EventDetailsContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.timeout=700ms",
        "tocsin.notify.connect-timeout=500ms",
        "tocsin.notify.email.from=tocsin@example.com"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class EventDetailsContract {
    static final String TOKEN = "details-test-token-0123456789";
    static final String KEY = "d4444444444444444444444444444444";
    static final String CUSTOMER_EMAIL = "jane.doe@customer.example";
    static final String CUSTOMER_ID = "CUST-991733";
    static final String CARD = "4111 1111 1111 1111";
    static final String PHONE = "+40 721 234 567";
    static final String RUNBOOK = "https://runbooks.example/refunds?step=1&team=payments";

    static final FakeProvider HOOKS = new FakeProvider();
    static final GreenMail MAIL = io.tocsin.testing.LocalSmtp.start(0);
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/details", "${HOOK}", HOOKS.baseUrl());

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    HttpCalls api;

    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        io.tocsin.testing.LocalSmtp.use(registry, MAIL);
    }

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
        api.resolveAllOpen();
    }

    /** A PagerDuty trigger with everything an event can carry, sensitive values among it. */
    static Map<String, Object> richTrigger(String dedup, String nonce) {
        return Map.of("routing_key", KEY, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", "refund " + nonce + " failed for " + CUSTOMER_EMAIL, "source", "payments",
                        "severity", "critical", "component", "refunds", "group", "payments", "class", "refund failure",
                        "custom_details", Map.of("customer_email", CUSTOMER_EMAIL, "order", "A-1001",
                                "customer", Map.of("Customer_ID", CUSTOMER_ID, "tier", "gold"),
                                "payment", Map.of("card_number", CARD, "brand", "visa"), "note", "caller left " + PHONE)),
                "links", List.of(Map.of("href", RUNBOOK, "text", "Refund runbook"),
                        Map.of("href", "javascript:alert(document.cookie)", "text", "<b>click me</b>")),
                "images", List.of(Map.of("src", "https://graphs.example/refunds.png", "href", "https://graphs.example/d/1",
                        "alt", "refund errors")),
                "client", "Payments monitor", "client_url", "https://monitor.example/refunds");
    }

    @Test
    void aPagerDutyEventsDetailsAndLinksAreInTheApiTheCliAndTheBundledPagesWithoutSensitiveValues() {
        String nonce = "n" + System.nanoTime();
        String dedup = "d-" + nonce;
        Answer sent = api.withToken(null).postJson("/v2/enqueue", richTrigger(dedup, nonce));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String id = incidentId(dedup);

        // The API: structured, as the source sent it, less what is sensitive.
        JsonNode answer = api.get("/api/v1/incidents/" + id).json();
        JsonNode details = answer.path("details");
        assertThat(answer.path("incident").path("summary").asString()).isEqualTo("refund " + nonce + " failed for [redacted]");
        assertThat(details.path("custom_details").path("order").asString()).isEqualTo("A-1001");
        assertThat(details.path("custom_details").path("customer").path("tier").asString()).isEqualTo("gold");
        assertThat(details.path("custom_details").path("customer").has("Customer_ID")).isFalse();
        assertThat(details.path("custom_details").has("customer_email")).isFalse();
        assertThat(details.path("custom_details").path("note").asString()).isEqualTo("caller left [phone]");
        assertThat(details.path("component").asString()).isEqualTo("refunds");
        assertThat(details.path("class").asString()).isEqualTo("refund failure");
        assertThat(links(details)).containsExactly(List.of("Refund runbook", RUNBOOK), List.of("<b>click me</b>", "(none)"),
                List.of("Payments monitor", "https://monitor.example/refunds"), List.of("refund errors", "https://graphs.example/refunds.png"));
        assertThat(details.path("images").get(0).path("href").asString()).isEqualTo("https://graphs.example/d/1");
        assertSensitiveFree(answer.toString());
        for (JsonNode listed : api.get("/api/v1/incidents?limit=1000").json()) {
            assertSensitiveFree(listed.toString());
        }

        // The command line shows the same.
        CliRun show = CliRun.run("incident", "show", id, "--server", "http://localhost:" + port, "--token", TOKEN);
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("\nDetails:\n").contains("  order: A-1001\n").contains("  customer.tier: gold\n")
                .contains("  component: refunds\n").contains("\nLinks:\n").contains("  Refund runbook: " + RUNBOOK + "\n")
                .contains("  <b>click me</b>\n").doesNotContain("javascript:");
        assertSensitiveFree(show.out());

        // The page by webhook: the bundled text template lists the details and the http(s) links.
        await().atMost(Duration.ofSeconds(10)).until(() -> !hooks(nonce).isEmpty());
        JsonNode hook = HttpCalls.JSON.readTree(hooks(nonce).get(0).body());
        assertThat(hook.path("text").asString()).contains("\norder: A-1001\n").contains("\ncustomer.tier: gold\n")
                .contains("\nRefund runbook: " + RUNBOOK + "\n").contains("\nPayments monitor: https://monitor.example/refunds\n")
                .doesNotContain("javascript:").doesNotContain("click me");
        assertSensitiveFree(hooks(nonce).get(0).body());

        // The page by e-mail: both parts, the HTML one with its links escaped.
        await().atMost(Duration.ofSeconds(10)).until(() -> !mails(nonce).isEmpty());
        MimeMessage mail = mails(nonce).get(0);
        String raw = GreenMailUtil.getWholeMessage(mail).replace("=\r\n", "");
        assertThat(raw).contains("order: A-1001").contains("<th align=\"left\">customer.tier</th><td>gold</td>")
                // JMustache escapes '=' too: &#x3D; is '=' to every HTML reader.
                .contains("<a href=\"https://runbooks.example/refunds?step&#x3D;1&amp;team&#x3D;payments\">Refund runbook</a>")
                .doesNotContain("javascript:").doesNotContain("click me");
        assertSensitiveFree(raw);
    }

    @Test
    void alertmanagerGrafanaAndGenericDetailsAreShownWithTheirLinks() {
        String nonce = "n" + System.nanoTime();
        Answer am = api.withToken(null).postJson("/api/v1/integrations/alertmanager/am-details-0123456789", Map.of("version", "4",
                "status", "firing", "externalURL", "https://alertmanager.example", "alerts", List.of(Map.of("status", "firing",
                        "fingerprint", "am-" + nonce, "generatorURL", "https://prometheus.example/graph?g0.expr=up",
                        "labels", Map.of("alertname", "RefundErrors", "instance", "api-1", "customer_id", CUSTOMER_ID),
                        "annotations", Map.of("summary", "refund errors " + nonce, "description", "first seen for " + CUSTOMER_EMAIL,
                                "runbook_url", "https://runbooks.example/refund-errors", "dashboard_url", "data:text/html,<script>x</script>")))));
        assertThat(am.status()).as(am.body()).isEqualTo(200);
        JsonNode amDetails = api.get("/api/v1/incidents/" + incidentId("alertmanager:am-" + nonce)).json().path("details");
        assertThat(amDetails.path("labels").path("alertname").asString()).isEqualTo("RefundErrors");
        assertThat(amDetails.path("labels").has("customer_id")).isFalse();
        assertThat(amDetails.path("annotations").path("description").asString()).isEqualTo("first seen for [email]");
        assertThat(links(amDetails)).containsExactlyInAnyOrder(List.of("source", "https://prometheus.example/graph?g0.expr=up"),
                List.of("dashboard_url", "(none)"), List.of("runbook", "https://runbooks.example/refund-errors"));
        assertSensitiveFree(amDetails.toString());

        Answer grafana = api.withToken(null).postJson("/api/v1/integrations/grafana/gf-details-0123456789", Map.of("version", "1",
                "status", "firing", "alerts", List.of(Map.of("status", "firing", "fingerprint", "gf-" + nonce,
                        "labels", Map.of("alertname", "Latency"), "annotations", Map.of("summary", "latency " + nonce),
                        "generatorURL", "https://grafana.example/alerting/grafana/abc/view",
                        "silenceURL", "https://grafana.example/alerting/silence/new?matcher=alertname%3DLatency",
                        "dashboardURL", "https://grafana.example/d/xyz", "panelURL", "https://grafana.example/d/xyz?viewPanel=2"))));
        assertThat(grafana.status()).as(grafana.body()).isEqualTo(200);
        JsonNode gfDetails = api.get("/api/v1/incidents/" + incidentId("grafana:gf-" + nonce)).json().path("details");
        assertThat(links(gfDetails)).containsExactly(List.of("source", "https://grafana.example/alerting/grafana/abc/view"),
                List.of("dashboard", "https://grafana.example/d/xyz"), List.of("panel", "https://grafana.example/d/xyz?viewPanel=2"),
                List.of("silence", "https://grafana.example/alerting/silence/new?matcher=alertname%3DLatency"));

        String dedup = "ev-" + nonce;
        assertThat(api.withToken(null).postJson("/api/v1/events", Map.of("routing_key", "ev-details-0123456789", "summary", "queue deep",
                "dedup_key", dedup, "labels", Map.of("queue", "refunds", "card_number", CARD))).status()).isEqualTo(202);
        JsonNode generic = api.get("/api/v1/incidents/" + incidentId(dedup)).json().path("details");
        assertThat(generic.path("labels").path("queue").asString()).isEqualTo("refunds");
        assertSensitiveFree(generic.toString());
    }

    @Test
    void changeEventsAreShownWithoutSensitiveValues() {
        String nonce = "n" + System.nanoTime();
        assertThat(api.withToken(null).postJson("/v2/change/enqueue", Map.of("routing_key", KEY, "payload", Map.of(
                "summary", "deploy " + nonce + " by " + CUSTOMER_EMAIL, "source", "ci", "custom_details",
                Map.of("customer_id", CUSTOMER_ID, "build", "1234"))))
                .status()).isEqualTo(202);
        JsonNode change = api.get("/api/v1/services/api/changes").json().get(0);
        assertThat(change.path("summary").asString()).isEqualTo("deploy " + nonce + " by [email]");
        assertThat(change.path("event").path("payload").path("custom_details").path("build").asString()).isEqualTo("1234");
        assertSensitiveFree(change.toString());
    }

    /** Each link as (text, href), "(none)" for one shown as text only. */
    static List<List<String>> links(JsonNode details) {
        List<List<String>> out = new ArrayList<>();
        details.path("links").forEach(l -> out.add(List.of(l.path("text").asString(), l.path("href").isNull() ? "(none)"
                : l.path("href").asString())));
        return out;
    }

    static void assertSensitiveFree(String shown) {
        assertThat(shown).doesNotContain(CUSTOMER_EMAIL).doesNotContain(CUSTOMER_ID).doesNotContain(CARD).doesNotContain(PHONE)
                .doesNotContain("customer_email").doesNotContain("card_number").doesNotContainIgnoringCase("customer_id");
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
