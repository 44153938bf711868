package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.FakeProvider.Reply;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Delivery that does not give up on a blip: a provider down for longer than a coffee break still gets
 * the page when it comes back (the retry budget is time, not a count), a person whose first channels
 * are down is reached on the next one at once, a dead letter goes out again when its destination
 * answers again, and a destination that hangs does not hold up pages to anyone else. Every step goes
 * through the real server: events over HTTP, pages to a local server speaking the webhook and ntfy
 * APIs, results read back from the API. Time is virtual; {@link Dispatcher#runOnce} steps delivery
 * at each instant the test moves to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + DeliveryResilienceContract.TOKEN,
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.timers.poll-interval=50ms",
        "tocsin.notify.poll-interval=50ms",
        "tocsin.notify.timeout=5s",
        "tocsin.notify.connect-timeout=500ms",
        // The general budget and longest wait are the defaults (an hour, five minutes); push gets less.
        "tocsin.notify.retry.channels.push.budget=2m",
        // One delivery at a time per destination, so the hanging test can count exactly what waits its turn.
        "tocsin.notify.per-destination=1"})
@Import(TestClockConfig.class)
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class DeliveryResilienceContract {
    static final String TOKEN = "delivery-test-token-0123456789";
    static final String ALICE = "d1111111111111111111111111111111";
    static final String CAROL = "d2222222222222222222222222222222";
    static final String DAN = "d3333333333333333333333333333333";

    static final FakeProvider HOOKS = new FakeProvider();
    static final Path ORG = io.tocsin.testing.TestOrganisations.copy("src/test/resources/orgs/delivery", "${HOOK}", HOOKS.baseUrl());

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    Dispatcher dispatcher;

    HttpCalls api;

    static void providers(DynamicPropertyRegistry registry) {
        registry.add("tocsin.config.path", ORG::toString);
        registry.add("tocsin.notify.ntfy.base-url", () -> HOOKS.baseUrl() + "/ntfy");
    }

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
        clock.set(TestClockConfig.START);
        api.resolveAllOpen();
        HOOKS.clear();
    }

    // ---- a retry budget in time ----

    @Test
    void aWebhookDownForThirtyFiveMinutesGetsThePageWhenItComesBack() {
        HOOKS.down("/hook/carol", Reply.status(503, "{\"error\":\"down for maintenance\"}"));
        String summary = "long outage " + System.nanoTime();
        String id = trigger(CAROL, summary);
        awaitDelivery(id, "hook", d -> d.path("attempts").asInt() >= 1 && retryingLater(d));

        Instant start = clock.instant();
        while (clock.instant().isBefore(start.plus(Duration.ofMinutes(35)))) {
            clock.advance(Duration.ofMinutes(1));
            dispatcher.runOnce(clock.instant());
            // After every step the page is still waiting for its next attempt, never dead.
            awaitDelivery(id, "hook", this::retryingLater);
        }
        int attemptsWhileDown = delivery(id, "hook").orElseThrow().path("attempts").asInt();
        // Waits grow and then stay at five minutes: a handful of attempts an outage, not one a second.
        assertThat(attemptsWhileDown).isBetween(10, 20);
        assertThat(retryWaits(id)).allMatch(s -> s <= 300.0).anyMatch(s -> s > 200.0);

        HOOKS.up("/hook/carol");
        clock.advance(Duration.ofMinutes(5));
        dispatcher.runOnce(clock.instant());
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to carol"));
        List<FakeProvider.Request> calls = pages("/hook/carol", summary);
        assertThat(calls).hasSize(attemptsWhileDown + 1);
        assertThat(calls.stream().map(c -> c.header("Idempotency-Key")).distinct()).hasSize(1);
        assertThat(timeline(id)).noneMatch(e -> e.path("kind").asString().equals("DELIVERY_DEAD"));
    }

    @Test
    void aChannelWithAShorterBudgetOfItsOwnDeadLettersWhenThatBudgetIsSpent() {
        HOOKS.down("/ntfy/dan-pager", Reply.status(502, "{\"error\":\"bad gateway\"}"));
        String summary = "push outage " + System.nanoTime();
        String id = trigger(DAN, summary);
        awaitDelivery(id, "pager", d -> d.path("attempts").asInt() >= 1);
        for (int i = 0; i < 6 && !delivery(id, "pager").orElseThrow().path("status").asString().equals("DEAD"); i++) {
            clock.advance(Duration.ofSeconds(30));
            dispatcher.runOnce(clock.instant());
        }
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_DEAD")
                && e.path("text").asString().contains("push to dan by pager failed")
                && e.path("text").asString().contains("(retry budget 120 s); last answer 502"));
        // Spent after two minutes of failures, not after a count of them.
        Instant first = Instant.parse(delivery(id, "pager").orElseThrow().path("first_attempt_at").asString());
        assertThat(Duration.between(first, clock.instant())).isGreaterThanOrEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aProvidersRetryAfterWinsOverTheBackoffEvenPastItsLongestWait() {
        HOOKS.down("/hook/carol", Reply.retryAfter(400));
        String summary = "slow down " + System.nanoTime();
        String id = trigger(CAROL, summary);
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_FAILED") && e.path("text").asString().contains("retrying in 400.0 s"));
        HOOKS.up("/hook/carol");
        clock.advance(Duration.ofSeconds(399));
        dispatcher.runOnce(clock.instant());
        assertThat(pages("/hook/carol", summary)).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        dispatcher.runOnce(clock.instant());
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
        assertThat(pages("/hook/carol", summary)).hasSize(2);
    }

    // ---- fallback through every method ----

    @Test
    void aPersonWhoseFirstTwoChannelsAreDownIsReachedOnTheThirdAtOnce() {
        HOOKS.down("/hook/alice", Reply.status(503));
        HOOKS.down("/hook/alice-2", Reply.resetConnection());
        String summary = "two channels down " + System.nanoTime();
        String id = trigger(ALICE, summary);

        // No time passes: the second method (due at 5 minutes) and the third (at 10) go out at once.
        awaitDelivery(id, "third", d -> d.path("status").asString().equals("SENT"));
        assertThat(clock.instant()).isEqualTo(TestClockConfig.START);
        assertThat(pages("/hook/alice-3", summary)).hasSize(1);
        List<String> fallbacks = timeline(id).stream().filter(e -> e.path("kind").asString().equals("DELIVERY_FALLBACK"))
                .map(e -> e.path("text").asString()).toList();
        assertThat(fallbacks).containsExactly("trying alice's next contact method now: webhook by second",
                "trying alice's next contact method now: webhook by third");
        // The failing ones keep retrying, each on its own backoff, and the first one back delivers too.
        assertThat(delivery(id, "first").orElseThrow().path("status").asString()).isEqualTo("PENDING");
        assertThat(delivery(id, "second").orElseThrow().path("status").asString()).isEqualTo("PENDING");
        HOOKS.up("/hook/alice-2");
        clock.advance(Duration.ofSeconds(10));
        dispatcher.runOnce(clock.instant());
        awaitDelivery(id, "second", d -> d.path("status").asString().equals("SENT"));
        // A retry of the second method did not bring anything forward again: the third went out once.
        assertThat(pages("/hook/alice-3", summary)).hasSize(1);
    }

    // ---- dead letters re-driven ----

    @Test
    void deadLettersToADestinationGoOutAgainWhenItAnswersAgainButOnlyWhileTheyMatter() {
        HOOKS.down("/hook/carol", Reply.status(410, "{\"error\":\"gone\"}"));
        String staleSummary = "stale " + System.nanoTime();
        String stale = trigger(CAROL, staleSummary);
        awaitDelivery(stale, "hook", d -> d.path("status").asString().equals("DEAD"));
        assertThat(api.postJson("/api/v1/incidents/" + stale + "/resolve", "{}").status()).isEqualTo(200);
        String liveSummary = "live " + System.nanoTime();
        String live = trigger(CAROL, liveSummary);
        awaitDelivery(live, "hook", d -> d.path("status").asString().equals("DEAD"));
        String deadKey = pages("/hook/carol", liveSummary).get(0).header("Idempotency-Key");

        // Carol's webhook answers again: the next page to it delivers, and takes the live dead letter along.
        HOOKS.up("/hook/carol");
        String laterSummary = "later " + System.nanoTime();
        String later = trigger(CAROL, laterSummary);
        awaitDelivery(later, "hook", d -> d.path("status").asString().equals("SENT"));
        awaitDelivery(live, "hook", d -> d.path("status").asString().equals("SENT") && d.path("redriven").asInt() == 1);
        awaitTimeline(live, e -> e.path("kind").asString().equals("DELIVERY_REDRIVEN")
                && e.path("text").asString().startsWith("webhook to carol by hook sent again from the dead letters"));
        awaitTimeline(live, e -> e.path("kind").asString().equals("DELIVERED") && e.path("text").asString().contains("webhook to carol"));
        List<FakeProvider.Request> livePages = pages("/hook/carol", liveSummary);
        assertThat(livePages).hasSize(2);
        assertThat(livePages.get(1).header("Idempotency-Key")).isEqualTo(deadKey);

        // The resolved incident's page stays in the dead letters, unsent; it can still be replayed by hand.
        dispatcher.runOnce(clock.instant());
        JsonNode staleDelivery = delivery(stale, "hook").orElseThrow();
        assertThat(staleDelivery.path("status").asString()).isEqualTo("DEAD");
        assertThat(pages("/hook/carol", staleSummary)).hasSize(1);
        assertThat(timeline(stale)).noneMatch(e -> e.path("kind").asString().equals("DELIVERY_REDRIVEN"));
        assertThat(api.get("/api/v1/dlq").json().findValues("id").stream().map(JsonNode::asLong))
                .contains(staleDelivery.path("id").asLong());
    }

    @Test
    void aDeadLetterTheDestinationKeepsRefusingComesBackAtMostThreeTimes() {
        String poison = "poison " + System.nanoTime();
        HOOKS.refuse(body -> body.contains(poison), Reply.status(400, "{\"error\":\"cannot parse\"}"));
        String id = trigger(CAROL, poison);
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("DEAD"));
        for (int round = 1; round <= 6 && delivery(id, "hook").orElseThrow().path("redriven").asInt() < 3; round++) {
            int before = delivery(id, "hook").orElseThrow().path("redriven").asInt();
            String other = trigger(CAROL, "fine " + round + " " + System.nanoTime());
            awaitDelivery(other, "hook", d -> d.path("status").asString().equals("SENT"));
            awaitDelivery(id, "hook", d -> d.path("status").asString().equals("DEAD") && d.path("redriven").asInt() > before);
        }
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("DEAD") && d.path("redriven").asInt() == 3);
        String last = trigger(CAROL, "one more " + System.nanoTime());
        awaitDelivery(last, "hook", d -> d.path("status").asString().equals("SENT"));
        dispatcher.runOnce(clock.instant());
        assertThat(delivery(id, "hook").orElseThrow().path("status").asString()).isEqualTo("DEAD");
        assertThat(delivery(id, "hook").orElseThrow().path("redriven").asInt()).isEqualTo(3);
        assertThat(pages("/hook/carol", poison)).hasSize(4);
        assertThat(timeline(id).stream().filter(e -> e.path("kind").asString().equals("DELIVERY_REDRIVEN"))).hasSize(3);
    }

    // ---- no head-of-line blocking ----

    @Test
    void aWebhookThatHangsUntilItsTimeoutDoesNotHoldUpPagesToOthers() {
        // Each call to Alice's first webhook hangs past the 5 s timeout; three pages queue for it.
        HOOKS.down("/hook/alice", Reply.hang(30_000));
        List<String> hanging = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hanging.add(trigger(ALICE, "hanging " + i + " " + System.nanoTime()));
        }
        await("Alice's first webhook is being called").atMost(Duration.ofSeconds(4))
                .until(() -> !HOOKS.requestsTo("/hook/alice").isEmpty());

        String summary = "meanwhile " + System.nanoTime();
        String id = trigger(CAROL, summary);
        // Carol's page goes out while Alice's webhook still hangs: before its first call has timed out.
        await("Carol's page while Alice's webhook hangs").atMost(Duration.ofSeconds(4))
                .until(() -> !pages("/hook/carol", summary).isEmpty());
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
        for (String h : hanging) {
            assertThat(timeline(h)).noneMatch(e -> e.path("kind").asString().startsWith("DELIVERY_FAILED"));
        }
        // One sender waits on the hanging destination; the other pages to it wait their turn instead of taking the rest.
        assertThat(HOOKS.requestsTo("/hook/alice")).hasSize(1);
    }

    @Test
    void aLongBacklogToOneBusyDestinationDoesNotHoldUpAPageToAnother() {
        // Alice's webhook answers, but takes 200 ms a page (busy, never stuck), and more pages wait for it
        // than a sender reads at once: a page to anyone else comes after all of them in due order.
        HOOKS.down("/hook/alice", Reply.hang(200));
        int backlog = 80;
        for (int i = 0; i < backlog; i++) {
            trigger(ALICE, "backlog " + i + " " + System.nanoTime());
        }
        await("Alice's webhook is being called").atMost(Duration.ofSeconds(4)).until(() -> !HOOKS.requestsTo("/hook/alice").isEmpty());

        String summary = "meanwhile " + System.nanoTime();
        trigger(CAROL, summary);
        // Behind Alice's backlog it would wait seconds (one sender works through it, a page at a time).
        await("Carol's page while Alice's backlog is sent").atMost(Duration.ofMillis(2500))
                .until(() -> !pages("/hook/carol", summary).isEmpty());
        assertThat(HOOKS.requestsTo("/hook/alice").size()).as("Alice's pages sent so far").isLessThan(backlog);
    }

    // ---- the providers harness: a receiver that fails every way, then recovers ----

    /** One way a receiver fails, and the words the timeline gives that attempt. */
    record Failure(String name, Reply reply, String onTimeline) {
    }

    /** Pages in flight through the failures: 3 in every build, TOCSIN_PROVIDERS_PAGES for the full run. */
    static int harnessPages() {
        return Integer.parseInt(System.getProperty("tocsin.providers.pages", System.getenv().getOrDefault("TOCSIN_PROVIDERS_PAGES", "3")).trim());
    }

    /** Attempts each page meets of each failure: 1 in every build, TOCSIN_PROVIDERS_ROUNDS for the full run. */
    static int harnessRounds() {
        return Integer.parseInt(System.getProperty("tocsin.providers.rounds", System.getenv().getOrDefault("TOCSIN_PROVIDERS_ROUNDS", "1")).trim());
    }

    /**
     * The receiver answers 500, then 429 with Retry-After, then hangs past the 5 s send timeout, then
     * stalls in the middle of its answer past it, then resets connections, then recovers. Every page
     * meets every failure in turn, and then is delivered exactly once, under the idempotency key it
     * carried all along; each attempt is on the incident's timeline and counted on the deliveries API.
     */
    @Test
    void aReceiverThatFailsEveryWayInTurnGetsEveryPageOnceWhenItRecovers() {
        int pageCount = harnessPages();
        int rounds = harnessRounds();
        String path = "/hook/carol";
        List<Failure> failures = List.of(
                new Failure("500", Reply.status(500, "{\"error\":\"internal\"}"), "failed (500: {\"error\":\"internal\"}"),
                new Failure("429", Reply.retryAfter(30), "failed (429: {\"error\":\"slow down\"}"),
                new Failure("hang", Reply.hang(8_000), "failed (timeout: no answer within 5000 ms"),
                new Failure("stall", Reply.stallBody(8_000), "failed (timeout: no answer within 5000 ms"),
                new Failure("reset", Reply.resetConnection(), "failed (io-error: network error"));

        HOOKS.down(path, failures.get(0).reply());
        String run = "providers " + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < pageCount; i++) {
            ids.add(trigger(CAROL, run + " page " + i));
        }
        // The first attempt of each goes out at once and meets the first failure.
        for (String id : ids) {
            awaitDelivery(id, "hook", d -> d.path("attempts").asInt() == 1 && retryingLater(d));
        }
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        ids.forEach(id -> keys.put(id, delivery(id, "hook").orElseThrow().path("idempotency_key").asString()));

        for (Failure failure : failures) {
            HOOKS.down(path, failure.reply());
            for (int round = failure == failures.get(0) ? 1 : 0; round < rounds; round++) {
                stepUntilEveryPageTriedOnceMore(ids, keys, path, failure);
            }
        }
        HOOKS.up(path);
        stepUntilEveryPageTriedOnceMore(ids, keys, path, null);
        for (String id : ids) {
            awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
        }
        // Later polls send nothing more.
        clock.advance(Duration.ofMinutes(10));
        dispatcher.runOnce(clock.instant());

        int attemptsEach = failures.size() * rounds + 1;
        for (String id : ids) {
            String key = keys.get(id);
            List<FakeProvider.Exchange> seen = HOOKS.exchanges(r -> r.path().equals(path) && key.equals(r.header("Idempotency-Key")));
            // The receiver saw each failure in turn, then one delivery, under one key.
            List<String> expected = new ArrayList<>();
            failures.forEach(f -> expected.addAll(java.util.Collections.nCopies(rounds, f.name())));
            expected.add("delivered");
            assertThat(seen.stream().map(e -> e.reply().delivers() ? "delivered"
                    : failures.stream().filter(f -> f.reply().equals(e.reply())).findFirst().orElseThrow().name()).toList())
                    .as("what the receiver answered %s", key).isEqualTo(expected);
            assertThat(seen.stream().filter(e -> e.reply().delivers())).as(key).hasSize(1);
            // The sender's account agrees: every attempt counted, each failure said on the timeline, then delivered.
            JsonNode d = delivery(id, "hook").orElseThrow();
            assertThat(d.path("status").asString()).isEqualTo("SENT");
            assertThat(d.path("attempts").asInt()).isEqualTo(attemptsEach);
            List<String> said = timeline(id).stream().map(e -> e.path("kind").asString() + " " + e.path("text").asString())
                    .filter(t -> t.startsWith("DELIVER")).toList();
            assertThat(said).as(timelineText(id)).hasSize(attemptsEach);
            int at = 0;
            for (Failure f : failures) {
                for (int round = 0; round < rounds; round++) {
                    assertThat(said.get(at)).startsWith("DELIVERY_FAILED webhook to carol by hook " + f.onTimeline())
                            .contains("attempt " + (at + 1) + ")");
                    if (f.name().equals("429")) {
                        assertThat(said.get(at)).endsWith("retrying in 30.0 s");
                    }
                    at++;
                }
            }
            assertThat(said.get(at)).startsWith("DELIVERED webhook to carol by hook delivered (200").contains("attempt " + attemptsEach + ")");
        }
    }

    /**
     * Moves the clock to when the last of the pages is due again, steps the dispatcher, and waits
     * until each page has been tried once more; {@code failure} null: until each is sent.
     */
    private void stepUntilEveryPageTriedOnceMore(List<String> ids, Map<String, String> keys, String path, Failure failure) {
        Map<String, Integer> before = new java.util.HashMap<>();
        ids.forEach(id -> before.put(id, tries(path, keys.get(id))));
        Instant due = ids.stream().map(id -> Instant.parse(delivery(id, "hook").orElseThrow().path("due_at").asString()))
                .max(Instant::compareTo).orElseThrow();
        if (due.isAfter(clock.instant())) {
            clock.set(due);
        }
        dispatcher.runOnce(clock.instant());
        for (String id : ids) {
            String key = keys.get(id);
            try {
                // A hang or a stall holds the one sender Carol's webhook may have for the 5 s timeout, page after page.
                await("page " + key + " tried again (" + (failure == null ? "recovered" : failure.name()) + ")")
                        .atMost(Duration.ofSeconds(15L * ids.size()))
                        .until(() -> tries(path, key) == before.get(id) + 1 && delivery(id, "hook").filter(d -> failure == null
                                ? d.path("status").asString().equals("SENT") : retryingLater(d)).isPresent());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + " at " + clock.instant() + "; deliveries: "
                        + api.get("/api/v1/incidents/" + id + "/deliveries").body() + "\ntimeline:\n" + timelineText(id), e);
            }
        }
    }

    private static int tries(String path, String key) {
        return HOOKS.requests(r -> r.path().equals(path) && key.equals(r.header("Idempotency-Key"))).size();
    }

    // ---- helpers ----

    String trigger(String key, String summary) {
        String dedup = "d-" + System.nanoTime();
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

    /** The page (not a notice) with this summary as the webhook received it, in order. */
    static List<FakeProvider.Request> pages(String path, String summary) {
        return HOOKS.requests(r -> r.path().equals(path) && r.body().contains(summary) && r.body().contains("\"urgency\":\"high\""));
    }

    /** The incident's page delivery by one contact method, as the API lists it. */
    Optional<JsonNode> delivery(String id, String contactMethod) {
        for (JsonNode d : api.get("/api/v1/incidents/" + id + "/deliveries").json()) {
            if (d.path("kind").asString().equals("PAGE") && d.path("contact_method").asString().equals(contactMethod)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    boolean retryingLater(JsonNode d) {
        return d.path("status").asString().equals("PENDING") && d.path("attempts").asInt() >= 1
                && Instant.parse(d.path("due_at").asString()).isAfter(clock.instant());
    }

    void awaitDelivery(String id, String contactMethod, Predicate<JsonNode> condition) {
        try {
            await("delivery of INC-" + id + " by " + contactMethod).atMost(Duration.ofSeconds(15))
                    .until(() -> delivery(id, contactMethod).filter(condition).isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + " at " + clock.instant() + "; deliveries: "
                    + api.get("/api/v1/incidents/" + id + "/deliveries").body() + "\ntimeline:\n" + timelineText(id), e);
        }
    }

    String timelineText(String id) {
        return String.join("\n", timeline(id).stream().map(e -> e.path("at").asString() + " " + e.path("kind").asString() + " "
                + e.path("text").asString()).toList());
    }

    List<JsonNode> timeline(String id) {
        List<JsonNode> out = new ArrayList<>();
        api.get("/api/v1/incidents/" + id).json().path("timeline").forEach(out::add);
        return out;
    }

    void awaitTimeline(String id, Predicate<JsonNode> entry) {
        try {
            await("timeline entry of INC-" + id).atMost(Duration.ofSeconds(15)).until(() -> timeline(id).stream().anyMatch(entry));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + " at " + clock.instant() + "; timeline:\n" + timelineText(id), e);
        }
    }

    /** The waits the timeline announced after each failure, in seconds. */
    List<Double> retryWaits(String id) {
        Pattern p = Pattern.compile("retrying in ([0-9.]+) s");
        List<Double> out = new ArrayList<>();
        for (JsonNode e : timeline(id)) {
            Matcher m = p.matcher(e.path("text").asString());
            if (e.path("kind").asString().equals("DELIVERY_FAILED") && m.find()) {
                out.add(Double.parseDouble(m.group(1)));
            }
        }
        return out;
    }
}
