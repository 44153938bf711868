package io.tocsin.notify;

import static io.tocsin.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import io.tocsin.config.LiveSchedules;
import io.tocsin.incident.TimerWorker;
import io.tocsin.store.HandoffStore;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.WorkerCycle;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Handoff notices end to end: moving the clock across a Monday 09:00 New York handoff sends the
 * outgoing person an e-mail and the incoming one a webhook, each naming both, listing the open
 * incidents of the services the schedule is paged for and the past shift's incidents, with the
 * checklist for their role; later polls, a second node, racing nodes and a restart send nothing
 * more; a handoff older than the lookback is never sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + HandoffNoticesContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.handoff.poll-interval=50ms",
        "tocsin.handoff.lookback=10m",
        "tocsin.notify.timeout=700ms",
        "tocsin.notify.connect-timeout=500ms",
        "tocsin.notify.email.from=tocsin@example.com"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class HandoffNoticesContract {
    static final String TOKEN = "handoff-test-token-0123456789";
    static final String WEB = "c3333333333333333333333333333333";
    static final String BILLING = "d4444444444444444444444444444444";
    static final String SUBJECT = "On-call handoff";

    /** Monday 09:00 EDT, carol hands to alice. */
    static final Instant CAROL_TO_ALICE = Instant.parse("2026-03-30T13:00:00Z");
    static final Instant ALICE_TO_BOB = Instant.parse("2026-04-06T13:00:00Z");
    static final Instant BOB_TO_CAROL = Instant.parse("2026-04-13T13:00:00Z");
    static final Instant CAROL_TO_ALICE_LATER = Instant.parse("2026-04-20T13:00:00Z");
    static final Instant ALICE_TO_BOB_LATER = Instant.parse("2026-04-27T13:00:00Z");
    static final Instant BOB_TO_CAROL_LATER = Instant.parse("2026-05-04T13:00:00Z");

    static final FakeProvider HOOKS = new FakeProvider();
    static final GreenMail MAIL = io.tocsin.testing.LocalSmtp.start(0);
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/handoff", "${HOOK}", HOOKS.baseUrl());

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    HandoffNotices notices;

    @Autowired
    LiveSchedules schedules;

    @Autowired
    HandoffStore handoffStore;

    @Autowired
    IncidentStore incidentStore;

    @Autowired
    NotificationStore notificationStore;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    TimerWorker timers;

    @Autowired
    Dispatcher dispatcher;

    HttpCalls api;

    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        io.tocsin.testing.LocalSmtp.use(registry, MAIL);
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
    void crossingAHandoffTellsOutgoingAndIncomingOnceWithOpenIncidentsThePastShiftAndTheirChecklist() throws Exception {
        // Carol's shift: one incident still open on web, one resolved on web, one open on billing (not this schedule's).
        String open = "checkout down " + System.nanoTime();
        String openId = trigger(WEB, open);
        String resolved = "slow search " + System.nanoTime();
        String resolvedId = trigger(WEB, resolved);
        assertThat(api.postJson("/api/v1/incidents/" + resolvedId + "/resolve", "{}").status()).isEqualTo(200);
        String elsewhere = "invoices stuck " + System.nanoTime();
        trigger(BILLING, elsewhere);

        clock.set(CAROL_TO_ALICE.minusSeconds(60));
        completeCycle();
        assertThat(handoffRows(CAROL_TO_ALICE)).as("nothing before the handoff").isEmpty();

        clock.set(CAROL_TO_ALICE.plusSeconds(30));
        // Only this test's notice (it lists this test's incident): a previous test's may still be on its way.
        await(() -> !mails("carol@example.com", open).isEmpty(), () -> "no handoff e-mail to carol listing " + open);
        String outgoing = text(mails("carol@example.com", open).get(0));
        await(() -> hooks("/hook/alice").stream().anyMatch(r -> r.body().contains(open)), () -> "no handoff webhook to alice listing " + open);
        JsonNode hook = HttpCalls.JSON.readTree(hooks("/hook/alice").stream().filter(r -> r.body().contains(open)).findFirst().orElseThrow().body());
        String incoming = hook.path("text").asString();
        assertThat(hook.path("subject").asString()).isEqualTo(SUBJECT);
        assertThat(hook.path("incident").isNull()).isTrue();
        assertThat(hook.path("acknowledge_url").isNull()).as("a handoff has no incident to acknowledge").isTrue();

        for (String t : List.of(outgoing, incoming)) {
            assertThat(t).contains("Support on-call").contains("Primary")
                    .contains("Carol Dinu (carol) hands over to Alice Ionescu (alice) at Mon 2026-03-30 09:00 EDT (America/New_York)")
                    .contains("Open incidents on services this schedule is paged for (web): 1")
                    .contains("INC-" + openId + " P1 web: " + open + " [triggered")
                    .contains("Incidents of the past shift (Mon 2026-03-23 09:00 EDT to Mon 2026-03-30 09:00 EDT)")
                    .contains("INC-" + resolvedId + " P1 web: " + resolved + " [resolved]")
                    .doesNotContain(elsewhere);
        }
        assertThat(outgoing).contains("Your shift ends now").contains("checklist for the outgoing on-call")
                .contains("1. Summarise the shift's incidents").contains("2. Note any ongoing issues")
                .contains("3. Share context on recent deployments").contains("4. Review upcoming scheduled maintenance")
                .contains("5. Transfer any open incidents").doesNotContain("test page");
        assertThat(incoming).contains("You are on call from now on").contains("checklist for the incoming on-call")
                .contains("1. Review last week's incidents").contains("2. Check for any pending issues")
                .contains("3. Verify that Tocsin shows you on call").contains("/api/v1/people/alice/test-page")
                .contains("5. Review recent changes and deployments").doesNotContain("Transfer any open incidents");

        // Later polls, and well past the lookback, add nothing.
        clock.advance(Duration.ofMinutes(3));
        completeCycle();
        clock.advance(Duration.ofMinutes(20));
        completeCycle();
        assertThat(handoffRows(CAROL_TO_ALICE)).containsExactlyInAnyOrder("alice:webhook:SENT", "carol:email:SENT");
        assertThat(mails("carol@example.com", open)).hasSize(1);
        assertThat(hooks("/hook/alice").stream().filter(r -> r.body().contains(open))).hasSize(1);
        assertThat(mails("bob@example.com")).as("bob is not part of this handoff").isEmpty();
        assertThat(hooks("/hook/dan")).as("a one-person layer never hands over").isEmpty();
        assertThat(handoffStore.between("support", CAROL_TO_ALICE, CAROL_TO_ALICE.plusSeconds(1), 10))
                .singleElement().satisfies(h -> {
                    assertThat(h.layerId()).isEqualTo("primary");
                    assertThat(h.outgoingPerson()).isEqualTo("carol");
                    assertThat(h.incomingPerson()).isEqualTo("alice");
                    assertThat(h.openIncidents()).isEqualTo(1);
                    assertThat(h.shiftIncidents()).isEqualTo(2);
                });
        JsonNode listed = api.get("/api/v1/schedules/support/handoffs?from=2026-03-30&to=2026-03-31").json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("at").asString()).isEqualTo("2026-03-30T13:00:00Z");
        assertThat(listed.get(0).path("outgoing").asString()).isEqualTo("carol");
        assertThat(listed.get(0).path("incoming").asString()).isEqualTo("alice");
        assertThat(listed.get(0).path("open_incidents").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/schedules/support/handoffs?from=2026-03-31&to=2026-04-01").json()).isEmpty();
        assertThat(api.get("/api/v1/schedules/nope/handoffs?from=2026-03-30&to=2026-03-31").status()).isEqualTo(404);
    }

    @Test
    void aSecondNodeOrARestartedPollWithinTheLookbackSendsNothingMore() throws Exception {
        clock.set(ALICE_TO_BOB.plusSeconds(90));
        awaitMail("bob@example.com");
        awaitHook("/hook/alice");
        assertThat(handoffRows(ALICE_TO_BOB)).containsExactlyInAnyOrder("alice:webhook:SENT", "bob:email:SENT");

        assertThat(notices.poll()).as("the running node polled again").isZero();
        assertThat(secondNode().poll()).as("another node, or this one restarted").isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(secondNode().poll()).isZero();
        completeCycle();
        assertThat(handoffRows(ALICE_TO_BOB)).hasSize(2);
        assertThat(mails("bob@example.com")).hasSize(1);
        assertThat(hooks("/hook/alice")).hasSize(1);
    }

    @Test
    void nodesRacingForTheSameHandoffAnnounceItOnce() throws Exception {
        List<HandoffNotices> nodes = List.of(secondNode(), secondNode(), secondNode(), secondNode());
        clock.set(BOB_TO_CAROL.plusSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Callable<Integer>> polls = new ArrayList<>();
            nodes.forEach(n -> polls.add(n::poll));
            int created = 0;
            for (Future<Integer> f : pool.invokeAll(polls)) {
                created += f.get();
            }
            assertThat(created).as("notices created by the racing nodes").isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        awaitMail("bob@example.com");
        awaitMail("carol@example.com");
        completeCycle();
        assertThat(handoffRows(BOB_TO_CAROL)).containsExactlyInAnyOrder("bob:email:SENT", "carol:email:SENT");
        assertThat(mails("bob@example.com")).hasSize(1);
        assertThat(mails("carol@example.com")).hasSize(1);
        assertThat(handoffStore.between("support", BOB_TO_CAROL, BOB_TO_CAROL.plusSeconds(1), 10)).hasSize(1);
    }

    @Test
    void aHandoffOlderThanTheLookbackIsNeverSentButOneJustInsideItStillIs() throws Exception {
        // Back after an outage: the handoff was eleven minutes ago, too late to be of use.
        clock.set(CAROL_TO_ALICE_LATER.plus(Duration.ofMinutes(11)));
        assertThat(secondNode().poll()).isZero();
        completeCycle();
        assertThat(handoffRows(CAROL_TO_ALICE_LATER)).isEmpty();
        assertThat(handoffStore.between("support", CAROL_TO_ALICE_LATER, CAROL_TO_ALICE_LATER.plusSeconds(1), 10)).isEmpty();
        assertThat(mails("carol@example.com")).isEmpty();
        assertThat(hooks("/hook/alice")).isEmpty();

        // Back nine minutes after one: still announced.
        clock.set(ALICE_TO_BOB_LATER.plus(Duration.ofMinutes(9)));
        awaitMail("bob@example.com");
        awaitHook("/hook/alice");
        assertThat(handoffRows(ALICE_TO_BOB_LATER)).containsExactlyInAnyOrder("alice:webhook:SENT", "bob:email:SENT");
    }

    /**
     * A briefing lists incident summaries to people reading it without an API token: each is masked
     * with its own incident's sensitive fields, as its pages were (an e-mail address, and the value of
     * a sensitive detail wherever the summary repeats it).
     */
    @Test
    void aBriefingListsSummariesMaskedAsTheirPagesWere() throws Exception {
        String nonce = "n" + System.nanoTime();
        String customer = "CUST-" + nonce;
        String summary = "refund " + nonce + " failed for jane.doe@customer.example (" + customer + ")";
        String dedup = "h-" + nonce;
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", WEB, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", summary, "source", "payments", "severity", "critical",
                        "custom_details", Map.of("customer_id", customer))));
        assertThat(a.status()).isEqualTo(202);

        clock.set(BOB_TO_CAROL_LATER.plusSeconds(30));
        String masked = "refund " + nonce + " failed for [email] ([redacted])";
        await(() -> !mails("bob@example.com", masked).isEmpty(), () -> "no handoff e-mail to bob listing " + masked);
        await(() -> !mails("carol@example.com", masked).isEmpty(), () -> "no handoff e-mail to carol listing " + masked);
        for (String to : List.of("bob@example.com", "carol@example.com")) {
            MimeMessage mail = mails(to, masked).get(0);
            assertThat(text(mail)).contains("Bob Popescu (bob) hands over to Carol Dinu (carol)").contains(masked + " [triggered");
            String raw = com.icegreen.greenmail.util.GreenMailUtil.getWholeMessage(mail).replace("=\r\n", "");
            assertThat(raw).doesNotContain("jane.doe@customer.example").doesNotContain(customer);
        }
    }

    // ---- helpers ----

    /**
     * One completed cycle of this node as of the virtual clock: its handoff poll (the one that would
     * announce a handoff wrongly), then every timer and delivery due by now, so a notice it queued has
     * reached the fake providers before a check that nothing more was sent.
     */
    void completeCycle() {
        notices.poll();
        WorkerCycle.complete(timers, dispatcher, jdbc, clock);
    }

    HandoffNotices secondNode() {
        return new HandoffNotices(schedules, handoffStore, incidentStore, notificationStore, clock, tx, true, Duration.ofMinutes(10));
    }

    /** person:channel:status of the handoff deliveries for {@code at}, once none is still pending. */
    List<String> handoffRows(Instant at) {
        String like = "handoff|support|%|" + at + "|%";
        await(() -> jdbc.sql("SELECT COUNT(*) FROM notification WHERE idempotency_key LIKE ? AND status = 'PENDING'").param(like)
                .query(Integer.class).single() == 0, () -> "handoff deliveries for " + at + " still pending");
        return jdbc.sql("SELECT person_id, channel, status FROM notification WHERE kind = 'HANDOFF' AND idempotency_key LIKE ?")
                .param(like).query((rs, i) -> rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getString(3)).list();
    }

    String trigger(String key, String summary) {
        String dedup = "h-" + System.nanoTime();
        Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", key, "event_action", "trigger", "dedup_key", dedup,
                "payload", Map.of("summary", summary, "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (i.path("dedup_key").asString().equals(dedup)) {
                return i.path("id").asString().replace("INC-", "");
            }
        }
        throw new AssertionError("no incident for " + dedup);
    }

    List<FakeProvider.Request> hooks(String path) {
        return HOOKS.requests(r -> r.path().equals(path) && r.body().contains(SUBJECT));
    }

    FakeProvider.Request awaitHook(String path) {
        await(() -> !hooks(path).isEmpty(), () -> "no handoff webhook to " + path);
        return hooks(path).get(0);
    }

    List<MimeMessage> mails(String address, String containing) {
        return mails(address).stream().filter(m -> {
            try {
                return text(m).contains(containing);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    List<MimeMessage> mails(String address) {
        return Arrays.stream(MAIL.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().equals(address)) && SUBJECT.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    MimeMessage awaitMail(String address) {
        await(() -> !mails(address).isEmpty(), () -> "no handoff e-mail to " + address);
        return mails(address).get(0);
    }

    /** The decoded text/plain part: raw MIME bodies are quoted-printable and break lines. */
    static String text(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multi) {
            for (int i = 0; i < multi.getCount(); i++) {
                BodyPart child = multi.getBodyPart(i);
                String found = text(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
