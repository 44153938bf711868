package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.FakeProvider;
import io.tocsin.testing.PostgresRefusal;
import io.tocsin.testing.TestDatabases;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class DeliveryResilienceOnPostgresTest extends DeliveryResilienceContract {
    @BeforeAll
    static void requirePostgres() {
        TestDatabases.requirePostgres();
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.Target db = TestDatabases.postgres();
        TestDatabases.use(registry, db);
        providers(registry);
    }

    @Autowired
    DataSource dataSource;

    /**
     * The commit of a lease is refused (PostgreSQL runs a deferred constraint trigger at commit: the way
     * a commit fails when the database goes away between the lease and its commit, made exact). The
     * delivery was never this node's, so the next poll leases and sends it. Before, the sender had
     * already counted it as its own, left it out of every later lease, and the page never went out
     * while the server ran.
     */
    @Test
    void aLeaseWhoseCommitIsRefusedIsLeasedAgainAndThePageGoesOut() {
        JdbcTemplate sql = new JdbcTemplate(dataSource);
        sql.execute("CREATE SEQUENCE refused_lease_commits");
        sql.execute("CREATE FUNCTION refuse_first_lease_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF nextval('refused_lease_commits') = 1 THEN RAISE EXCEPTION 'commit refused by the test'; END IF; "
                + "RETURN NULL; END $$");
        sql.execute("CREATE CONSTRAINT TRIGGER refuse_lease_commit AFTER UPDATE ON notification DEFERRABLE INITIALLY DEFERRED "
                + "FOR EACH ROW WHEN (NEW.attempts > OLD.attempts) EXECUTE FUNCTION refuse_first_lease_commit()");
        try {
            String summary = "refused lease " + System.nanoTime();
            String id = trigger(CAROL, summary);
            awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
            // The refusal did happen (the sequence was drawn at a commit), and the page went out once.
            assertThat(sql.queryForObject("SELECT is_called FROM refused_lease_commits", Boolean.class)).isTrue();
            assertThat(pages("/hook/carol", summary)).hasSize(1);
            assertThat(delivery(id, "hook").orElseThrow().path("attempts").asInt()).isEqualTo(1);
        } finally {
            sql.execute("DROP TRIGGER refuse_lease_commit ON notification");
            sql.execute("DROP FUNCTION refuse_first_lease_commit()");
            sql.execute("DROP SEQUENCE refused_lease_commits");
        }
    }

    /**
     * A page that cannot be prepared (turned into deliveries: here PostgreSQL refuses every delivery row
     * for carol) is tried again on its own backoff and said on its timeline, while everyone else's pages
     * go out. Before, the failing row rolled back its whole batch on every poll, and as the oldest rows
     * come first, no page of anyone went out again.
     */
    @Test
    void aPageThatCannotBePreparedDoesNotHoldUpAnyoneElsesAndGoesOutOnceItCan() {
        String carol;
        try (PostgresRefusal refused = PostgresRefusal.of(dataSource, "refuse_carol", "BEFORE INSERT", "notification",
                "NEW.person_id = 'carol'")) {
            String carolSummary = "cannot prepare " + System.nanoTime();
            carol = trigger(CAROL, carolSummary);
            String alice = trigger(ALICE, "behind it " + System.nanoTime());
            awaitDelivery(alice, "first", d -> d.path("status").asString().equals("SENT"));
            awaitTimeline(carol, e -> e.path("kind").asString().equals("DELIVERY_FAILED")
                    && e.path("text").asString().equals("could not prepare the page to carol (the server log has the details); trying again in 1 s"));
            assertThat(delivery(carol, "hook")).isEmpty();
        }
        clock.advance(java.time.Duration.ofSeconds(60));
        dispatcher.runOnce(clock.instant());
        awaitDelivery(carol, "hook", d -> d.path("status").asString().equals("SENT"));
    }

    /**
     * A page that went out but whose answer cannot be written (PostgreSQL refuses marking carol's page
     * sent) is not handed back as if it had never been tried: before, it went out again on every poll,
     * a page to carol every few hundred milliseconds while the answer kept failing. Now its lease runs
     * out and it goes out once more, under the same key, and its timeline says why.
     */
    @Test
    void aPageWhoseAnswerCannotBeWrittenIsNotSentAgainOnEveryPoll() {
        String summary = "unrecorded " + System.nanoTime();
        String id;
        try (PostgresRefusal refused = PostgresRefusal.of(dataSource, "refuse_carol_sent", "BEFORE UPDATE", "notification",
                "NEW.status = 'SENT' AND OLD.status = 'PENDING' AND NEW.person_id = 'carol'")) {
            id = trigger(CAROL, summary);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> pages("/hook/carol", summary).size() >= 1);
            // Whole cycles of the sender at this instant: nothing more goes out while the lease holds.
            for (int i = 0; i < 5; i++) {
                try {
                    dispatcher.runOnce(clock.instant());
                } catch (RuntimeException answerStillRefused) {
                    // the refused answer of a send made in this cycle (before the fix, every cycle)
                }
            }
            assertThat(pages("/hook/carol", summary)).hasSize(1);
        }
        clock.advance(java.time.Duration.ofSeconds(11));
        dispatcher.runOnce(clock.instant());
        awaitDelivery(id, "hook", d -> d.path("status").asString().equals("SENT"));
        List<FakeProvider.Request> sent = pages("/hook/carol", summary);
        assertThat(sent).hasSize(2);
        assertThat(sent.stream().map(r -> r.header("Idempotency-Key")).distinct()).hasSize(1);
        awaitTimeline(id, e -> e.path("kind").asString().equals("DELIVERY_ABANDONED")
                && e.path("text").asString().contains("this node's answer for it was never recorded"));
    }
}
