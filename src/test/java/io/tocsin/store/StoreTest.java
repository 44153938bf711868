package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.testing.TestDatabases;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The same migrations and repository tests, on H2 and on the real PostgreSQL. */
class StoreTest {
    static final Instant T0 = Instant.parse("2026-03-30T06:00:00Z");

    static Stream<TestDatabases.Target> databases() {
        return Stream.of(TestDatabases.h2(), TestDatabases.postgres());
    }

    record Stores(JdbcClient jdbc, ConfigVersionStore versions, AuditLog audit, ApiTokenStore tokens,
                  FeedTokenStore feeds, ScheduleOverrideStore overrides, SwapRequestStore swaps) {
    }

    static Stores open(TestDatabases.Target db) {
        DriverManagerDataSource ds = new DriverManagerDataSource(db.url(), db.user(), db.password());
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        return new Stores(jdbc, new ConfigVersionStore(jdbc), new AuditLog(jdbc, clock), new ApiTokenStore(jdbc, clock),
                new FeedTokenStore(jdbc, clock), new ScheduleOverrideStore(jdbc, clock), new SwapRequestStore(jdbc, clock));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void configVersionsAreAppendOnlyAndNumbered(TestDatabases.Target db) {
        Stores s = open(db);
        assertThat(s.versions().latest()).isEmpty();
        s.versions().append(new ConfigVersion(1, T0, "alice", "#@tocsin-file a.yaml\nx: 1\n", "+x: 1", "c1"));
        s.versions().append(new ConfigVersion(2, T0.plusSeconds(60), "bob", "#@tocsin-file a.yaml\nx: 2\n", "-x: 1\n+x: 2", "c2"));
        assertThat(s.versions().latest()).get().extracting(ConfigVersion::version, ConfigVersion::appliedBy).containsExactly(2L, "bob");
        assertThat(s.versions().find(1)).get().extracting(ConfigVersion::sourceText).isEqualTo("#@tocsin-file a.yaml\nx: 1\n");
        assertThat(s.versions().find(2).orElseThrow().appliedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(s.versions().list(10)).extracting(ConfigVersion::version).containsExactly(2L, 1L);
        assertThatThrownBy(() -> s.versions().append(new ConfigVersion(2, T0, "eve", "y", "y", "c3")))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void manyOpenKeysAreLookedUpTogetherAsEachWouldBeAlone(TestDatabases.Target db) {
        Stores s = open(db);
        org.springframework.jdbc.datasource.DriverManagerDataSource ds = new DriverManagerDataSource(db.url(), db.user(), db.password());
        IncidentStore incidents = new IncidentStore(s.jdbc(), ds);
        IncidentStore.StateColumns open = new IncidentStore.StateColumns("P1", "TRIGGERED", "PAGE", "{}", 1, null, null);
        IncidentStore.StateColumns resolved = new IncidentStore.StateColumns("P1", "RESOLVED", "PAGE", "{}", 1, null, T0);
        // through an integration key; Tocsin's own (no key); one opened before keys were recorded (no key hash)
        incidents.insert(1, new IncidentStore.Origin("api", "disk", "s", "src", null, null, "key-a"), open, T0);
        incidents.insert(2, new IncidentStore.Origin("api", "own", "s", "src", null, null, null), open, T0);
        incidents.insert(3, new IncidentStore.Origin("db", "legacy", "s", "src", null, null, null), open, T0);
        incidents.insert(4, new IncidentStore.Origin("api", "gone", "s", "src", null, null, "key-a"), resolved, T0);
        s.jdbc().sql("UPDATE incident SET integration_key_hash = NULL WHERE id = 3").update();

        java.util.List<IncidentStore.OpenKey> keys = java.util.List.of(
                new IncidentStore.OpenKey("api", "key-a", "disk"),      // its own incident
                new IncidentStore.OpenKey("api", "key-b", "disk"),      // another key, same dedup key: none
                new IncidentStore.OpenKey("api", null, "own"),          // Tocsin's own
                new IncidentStore.OpenKey("db", "key-a", "legacy"),     // the incident from before keys, by any key of its service
                new IncidentStore.OpenKey("db", "key-b", "legacy"),     // ... by two keys in one batch: both find it
                new IncidentStore.OpenKey("api", "key-a", "gone"),      // resolved: none
                new IncidentStore.OpenKey("api", "key-a", "never"));    // none
        java.util.Map<String, java.util.Optional<IncidentRow>> together = new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(ds)).execute(t -> incidents.findOpenForUpdate(keys));
        assertThat(together).hasSize(keys.size());
        for (IncidentStore.OpenKey k : keys) {
            assertThat(together.get(k.key()).map(IncidentRow::id)).as(k.toString())
                    .isEqualTo(incidents.findOpenForUpdate(k.serviceId(), k.integrationKey(), k.dedupKey()).map(IncidentRow::id));
        }
        assertThat(keys.stream().map(k -> together.get(k.key()).map(IncidentRow::id).orElse(0L)).toList())
                .containsExactly(1L, 0L, 2L, 3L, 3L, 0L, 0L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void auditLogKeepsOrderActorInterfaceAndBeforeAndAfter(TestDatabases.Target db) {
        Stores s = open(db);
        s.audit().record("alice", "api", "config.activate", "config/v1", null, java.util.Map.of("version", 1), "3 files");
        s.audit().record("bob", "api", "schedule.override.create", "schedule/primary/overrides/1", null, null, null);
        s.audit().record("carol", "slack", "incident.acknowledge", "incident/INC-1", java.util.Map.of("status", "TRIGGERED"),
                java.util.Map.of("status", "ACKNOWLEDGED"), "acknowledged by carol");
        assertThat(s.audit().recent(null, 10)).extracting(AuditEntry::actor, AuditEntry::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("carol", "incident.acknowledge"),
                        org.assertj.core.groups.Tuple.tuple("bob", "schedule.override.create"),
                        org.assertj.core.groups.Tuple.tuple("alice", "config.activate"));
        assertThat(s.audit().recent(null, 10).get(0).at()).isEqualTo(T0);
        assertThat(s.audit().recent("incident/INC-1", 10)).singleElement().satisfies(e -> {
            assertThat(e.via()).isEqualTo("slack");
            assertThat(e.before()).isEqualTo("{\"status\":\"TRIGGERED\"}");
            assertThat(e.after()).isEqualTo("{\"status\":\"ACKNOWLEDGED\"}");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tokensAreStoredOnlyAsHashes(TestDatabases.Target db) {
        Stores s = open(db);
        s.tokens().add("admin", "secret-token-value");
        assertThat(s.tokens().nameOf("secret-token-value")).contains("admin");
        assertThat(s.tokens().nameOf("wrong")).isEmpty();
        String stored = s.jdbc().sql("SELECT token_hash FROM api_token").query(String.class).single();
        assertThat(stored).isEqualTo(TokenHash.sha256("secret-token-value")).doesNotContain("secret");

        String feed = s.feeds().issue(FeedTokenStore.Kind.SCHEDULE, "primary");
        assertThat(s.feeds().grants(FeedTokenStore.Kind.SCHEDULE, "primary", feed)).isTrue();
        assertThat(s.feeds().grants(FeedTokenStore.Kind.SCHEDULE, "secondary", feed)).isFalse();
        assertThat(s.feeds().grants(FeedTokenStore.Kind.PERSON, "primary", feed)).isFalse();
        assertThat(s.feeds().grants(FeedTokenStore.Kind.SCHEDULE, "primary", null)).isFalse();
        assertThat(s.jdbc().sql("SELECT token_hash FROM feed_token").query(String.class).single()).isNotEqualTo(feed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void overridesRoundTripInCreationOrder(TestDatabases.Target db) {
        Stores s = open(db);
        StoredOverride a = s.overrides().add("primary", "primary", "dan", T0, T0.plusSeconds(3600), "doctor", "alice");
        StoredOverride b = s.overrides().add("primary", "secondary", "erin", T0.plusSeconds(60), T0.plusSeconds(7200), null, "bob");
        s.overrides().add("other", "primary", "frank", T0, T0.plusSeconds(60), null, "bob");
        assertThat(s.overrides().forSchedule("primary")).containsExactly(a, b);
        assertThat(s.overrides().all()).hasSize(3);
        assertThat(s.overrides().delete(a.id())).isTrue();
        assertThat(s.overrides().delete(a.id())).isFalse();
        assertThat(s.overrides().find(b.id())).contains(b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aSwapIsDecidedOnce(TestDatabases.Target db) {
        Stores s = open(db);
        SwapRequest r = s.swaps().request("primary", "primary", "alice", "bob", T0, T0.plusSeconds(86_400));
        assertThat(r.status()).isEqualTo(SwapRequest.Status.REQUESTED);
        assertThat(s.swaps().decide(r.id(), SwapRequest.Status.ACCEPTED, 42L, "bob")).isTrue();
        assertThat(s.swaps().decide(r.id(), SwapRequest.Status.DECLINED, null, "bob")).isFalse();
        SwapRequest decided = s.swaps().find(r.id()).orElseThrow();
        assertThat(decided.status()).isEqualTo(SwapRequest.Status.ACCEPTED);
        assertThat(decided.overrideId()).isEqualTo(42L);
        assertThat(decided.decidedBy()).isEqualTo("bob");
        assertThat(s.swaps().forSchedule("primary")).hasSize(1);
    }
}
