package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API, driven over real HTTP against a running server. Subclasses choose the database,
 * so the same contract is checked on H2 and on PostgreSQL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + ApiContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
// Each subclass has a database of its own, so its context is never reused: close it and give back
// its connections (PostgreSQL allows a hundred in all).
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class ApiContract {
    static final String TOKEN = "test-admin-token-0123456789";
    static final ZoneId BUCHAREST = ZoneId.of("Europe/Bucharest");
    static final String ACME = "src/test/resources/orgs/acme";

    @LocalServerPort
    int port;

    HttpCalls api;

    @BeforeEach
    void client() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
    }

    @Test
    void theSchemaIsServedToEditorsWithoutAToken() {
        Answer a = api.withToken(null).get("/api/v1/config/schema");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().path("$schema").asString()).contains("2020-12");
        assertThat(a.json().path("properties").has("schedules")).isTrue();
    }

    @Test
    void theApiRefusesMissingAndWrongTokensWithProblemDetails() {
        Answer none = api.withToken(null).get("/api/v1/schedules");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.json().path("status").asInt()).isEqualTo(401);
        assertThat(api.withToken("not-a-token").get("/api/v1/schedules").status()).isEqualTo(401);
    }

    @Test
    void whoIsOnCallOnSundayAt03AndAtTheMondayHandoff() {
        // Sunday 2026-03-29 03:00 +02:00, the night Bucharest moves to summer time: week 11 of the rotation -> carol.
        JsonNode sunday = api.get("/api/v1/schedules/backend-primary/oncall?at=2026-03-29T03:00:00%2B02:00").json();
        assertThat(layers(sunday)).containsExactly("primary=carol", "secondary=alice", "business-hours=null");
        JsonNode before = api.get("/api/v1/schedules/backend-primary/oncall?at=2026-03-30T08:59:59%2B03:00&layer=primary").json();
        JsonNode at = api.get("/api/v1/schedules/backend-primary/oncall?at=2026-03-30T09:00:00%2B03:00&layer=primary").json();
        assertThat(layers(before)).containsExactly("primary=carol");
        assertThat(layers(at)).containsExactly("primary=alice");
        assertThat(at.path("layers").get(0).path("name").asString()).isEqualTo("Alice Ionescu");
    }

    @Test
    void shiftsAndGapsOverARange() {
        JsonNode answer = api.get("/api/v1/schedules/backend-primary/shifts?from=2026-03-23&to=2026-04-06&layer=primary").json();
        List<String> shifts = new ArrayList<>();
        for (JsonNode s : answer.path("shifts")) {
            shifts.add(s.path("person").asString() + " " + s.path("start").asString() + " " + s.path("end").asString());
        }
        assertThat(shifts).containsExactly(
                "bob 2026-03-22T22:00:00Z 2026-03-23T07:00:00Z",
                "carol 2026-03-23T07:00:00Z 2026-03-30T06:00:00Z",
                "alice 2026-03-30T06:00:00Z 2026-04-05T21:00:00Z");
        assertThat(answer.path("gaps").size()).isZero();

        JsonNode weekend = api.get("/api/v1/schedules/backend-primary/gaps?from=2026-04-03T14:00:00Z&to=2026-04-06T06:00:00Z&layer=business-hours").json();
        assertThat(weekend.size()).isEqualTo(1);
        assertThat(weekend.get(0).path("start").asString()).isEqualTo("2026-04-03T14:00:00Z");
        assertThat(weekend.get(0).path("end").asString()).isEqualTo("2026-04-06T06:00:00Z");
    }

    @Test
    void badQueriesAreFourHundredsNamingTheField() {
        Answer badAt = api.get("/api/v1/schedules/backend-primary/oncall?at=yesterday");
        assertThat(badAt.status()).isEqualTo(400);
        assertThat(badAt.contentType()).startsWith("application/problem+json");
        assertThat(badAt.json().path("errors").get(0).path("field").asString()).isEqualTo("at");
        Answer missing = api.get("/api/v1/schedules/backend-primary/shifts?from=2026-01-01");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("errors").get(0).path("field").asString()).isEqualTo("to");
        Answer layer = api.get("/api/v1/schedules/backend-primary/oncall?layer=tertiary");
        assertThat(layer.status()).isEqualTo(400);
        assertThat(layer.json().path("errors").get(0).path("field").asString()).isEqualTo("layer");
        Answer tooLong = api.get("/api/v1/schedules/backend-primary/shifts?from=2020-01-01&to=2030-01-01");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/schedules/nope/oncall").status()).isEqualTo(404);
    }

    @Test
    void anOverrideChangesWhoIsOnCallForExactlyItsInterval() {
        String at = "/api/v1/schedules/backend-primary/oncall?layer=primary&at=";
        Answer created = api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of(
                "layer", "primary", "person", "dan", "start", "2026-03-28T10:00:00Z", "end", "2026-03-28T20:00:00Z",
                "reason", "carol at a wedding"));
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(layers(api.get(at + "2026-03-28T09:59:59Z").json())).containsExactly("primary=carol");
        assertThat(layers(api.get(at + "2026-03-28T10:00:00Z").json())).containsExactly("primary=dan");
        assertThat(api.get(at + "2026-03-28T10:00:00Z").json().path("layers").get(0).path("override").asBoolean()).isTrue();
        assertThat(layers(api.get(at + "2026-03-28T20:00:00Z").json())).containsExactly("primary=carol");
        assertThat(api.get("/api/v1/audit").json().toString()).contains("schedule.override.create");

        assertThat(api.delete("/api/v1/schedules/backend-primary/overrides/" + id).status()).isEqualTo(204);
        assertThat(layers(api.get(at + "2026-03-28T12:00:00Z").json())).containsExactly("primary=carol");
        assertThat(api.delete("/api/v1/schedules/backend-primary/overrides/" + id).status()).isEqualTo(404);
    }

    @Test
    void theOncallCommandAsksTheServerSoOverridesAreInItsAnswerAndSaysWhenItReadsFilesInstead() {
        String server = "http://localhost:" + port;
        io.tocsin.cli.CliRun offline = io.tocsin.cli.CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary",
                "--layer", "primary", "--json");
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        JsonNode files = HttpCalls.JSON.readTree(offline.out());
        String rotation = files.path("layers").get(0).path("person").asString();
        String cover = List.of("alice", "bob", "carol", "dan").stream().filter(p -> !p.equals(rotation)).findFirst().orElseThrow();
        java.time.Instant now = java.time.Instant.now();
        Answer created = api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary", "person", cover,
                "start", now.minus(Duration.ofHours(1)).toString(), "end", now.plus(Duration.ofHours(2)).toString(), "reason", "covering"));
        assertThat(created.status()).isEqualTo(201);
        try {
            io.tocsin.cli.CliRun live = io.tocsin.cli.CliRun.run("oncall", "--schedule", "backend-primary", "--server", server, "--token", TOKEN);
            assertThat(live.exitCode()).as(live.err()).isZero();
            assertThat(live.out()).containsPattern("primary\\s+" + cover + " \\([^)]+\\)  \\[override: covering\\]")
                    .contains("run-time overrides and swaps included").doesNotContain("ignored");
            JsonNode liveJson = HttpCalls.JSON.readTree(io.tocsin.cli.CliRun.run("oncall", "--schedule", "backend-primary", "--layer",
                    "primary", "--json", "--server", server, "--token", TOKEN).out());
            assertThat(liveJson.path("source").asString()).isEqualTo("server");
            assertThat(liveJson.path("layers").get(0).path("person").asString()).isEqualTo(cover);
            assertThat(liveJson.path("layers").get(0).path("override").asBoolean()).isTrue();
            assertThat(liveJson.path("layers").get(0).path("override_reason").asString()).isEqualTo("covering");

            // The files know nothing of the override, and say so.
            io.tocsin.cli.CliRun fromFiles = io.tocsin.cli.CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary",
                    "--layer", "primary");
            assertThat(fromFiles.out()).containsPattern("primary\\s+" + rotation + " ")
                    .contains("offline answer from the files: run-time overrides and swaps are ignored");
            assertThat(HttpCalls.JSON.readTree(io.tocsin.cli.CliRun.run("oncall", "--config", ACME, "--schedule", "backend-primary",
                    "--json").out()).path("note").asString()).contains("run-time overrides and swaps are ignored");

            // --at goes to the server: an hour after the override ends, the rotation answers again.
            io.tocsin.cli.CliRun later = io.tocsin.cli.CliRun.run("oncall", "--schedule", "backend-primary", "--layer", "primary",
                    "--at", now.plus(Duration.ofHours(3)).atOffset(java.time.ZoneOffset.ofHours(2)).toString(), "--server", server, "--token", TOKEN);
            assertThat(later.exitCode()).as(later.err()).isZero();
            assertThat(later.out()).doesNotContain("[override]");
        } finally {
            api.delete("/api/v1/schedules/backend-primary/overrides/" + created.json().path("id").asLong());
        }
        io.tocsin.cli.CliRun unknown = io.tocsin.cli.CliRun.run("oncall", "--schedule", "nope", "--server", server, "--token", TOKEN);
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("server answered 404");
        io.tocsin.cli.CliRun badToken = io.tocsin.cli.CliRun.run("oncall", "--schedule", "backend-primary", "--server", server, "--token", "wrong");
        assertThat(badToken.exitCode()).isEqualTo(1);
        assertThat(badToken.err()).contains("server answered 401");
    }

    @Test
    void badOverridesAreRefusedNamingTheFieldAndWriteNothing() {
        int before = api.get("/api/v1/schedules/backend-primary/overrides").json().size();
        assertField(api.postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("start", "2026-03-28T10:00:00Z", "end", "2026-03-28T20:00:00Z")), "person");
        assertField(api.postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("person", "mallory", "start", "2026-03-28T10:00:00Z", "end", "2026-03-28T20:00:00Z")), "person");
        assertField(api.postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("person", "dan", "start", "2026-03-28T10:00:00Z", "end", "2026-03-28T09:00:00Z")), "end");
        assertField(api.postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("person", "dan", "start", "soon", "end", "2026-03-28T09:00:00Z")), "start");
        assertField(api.postJson("/api/v1/schedules/backend-primary/overrides",
                Map.of("layer", "tertiary", "person", "dan", "start", "2026-03-28T10:00:00Z", "end", "2026-03-28T20:00:00Z")), "layer");
        Answer malformed = api.postJson("/api/v1/schedules/backend-primary/overrides", "{\"person\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/schedules/backend-primary/overrides").json().size()).isEqualTo(before);
    }

    @Test
    void anAcceptedSwapBecomesAnOverrideAndADeclinedOneChangesNothing() {
        String at = "/api/v1/schedules/backend-primary/oncall?layer=primary&at=2026-05-13T12:00:00Z";
        String owner = layers(api.get(at).json()).get(0);
        // Week 18 of a three-person weekly rotation started 2026-01-05: alice.
        assertThat(owner).isEqualTo("primary=alice");
        Answer declined = api.postJson("/api/v1/schedules/backend-primary/swaps", Map.of("layer", "primary",
                "requester", "alice", "counterpart", "dan", "start", "2026-05-13T00:00:00Z", "end", "2026-05-14T00:00:00Z"));
        assertThat(declined.status()).isEqualTo(201);
        assertThat(declined.json().path("status").asString()).isEqualTo("REQUESTED");
        assertThat(api.postJson("/api/v1/swaps/" + declined.json().path("id").asLong() + "/decline", "{}").json()
                .path("status").asString()).isEqualTo("DECLINED");
        assertThat(layers(api.get(at).json())).containsExactly("primary=alice");

        Answer swap = api.postJson("/api/v1/schedules/backend-primary/swaps", Map.of("layer", "primary",
                "requester", "alice", "counterpart", "bob", "start", "2026-05-13T00:00:00Z", "end", "2026-05-14T00:00:00Z"));
        long id = swap.json().path("id").asLong();
        Answer accepted = api.postJson("/api/v1/swaps/" + id + "/accept", "{}");
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.json().path("status").asString()).isEqualTo("ACCEPTED");
        assertThat(layers(api.get(at).json())).containsExactly("primary=bob");
        assertThat(api.postJson("/api/v1/swaps/" + id + "/accept", "{}").status()).isEqualTo(409);
        assertField(api.postJson("/api/v1/schedules/backend-primary/swaps", Map.of("requester", "alice",
                "counterpart", "alice", "start", "2026-05-13T00:00:00Z", "end", "2026-05-14T00:00:00Z")), "counterpart");
        long overrideId = accepted.json().path("override_id").asLong();
        api.delete("/api/v1/schedules/backend-primary/overrides/" + overrideId);
    }

    @Test
    void iCalFeedsNeedTheirTokenAndParseWithARealICalParser() throws Exception {
        Answer issued = api.postJson("/api/v1/schedules/backend-primary/feed", "{}");
        assertThat(issued.status()).isEqualTo(201);
        String url = issued.json().path("url").asString();
        assertThat(url).contains("/ical/schedules/backend-primary.ics?token=");
        Answer feed = api.withToken(null).get(url);
        assertThat(feed.status()).isEqualTo(200);
        assertThat(feed.contentType()).startsWith("text/calendar");
        Calendar calendar = new CalendarBuilder().build(new StringReader(feed.body()));
        List<VEvent> events = calendar.getComponents("VEVENT");
        assertThat(events).isNotEmpty();
        int mondayHandoffs = 0;
        for (VEvent e : events) {
            ZonedDateTime start = ZonedDateTime.parse(e.getDateTimeStart().getValue(),
                    java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX")).withZoneSameInstant(BUCHAREST);
            if (e.getSummary().getValue().contains("primary)") && start.getDayOfWeek() == DayOfWeek.MONDAY
                    && start.toLocalTime().equals(LocalTime.of(9, 0))) {
                mondayHandoffs++;
            }
        }
        assertThat(mondayHandoffs).isGreaterThanOrEqualTo(20);
        assertThat(api.withToken(null).get(url.replaceAll("token=.*", "token=guess")).status()).isEqualTo(404);
        assertThat(api.withToken(null).get(url.replace("backend-primary.ics", "other.ics")).status()).isEqualTo(404);

        String personUrl = api.postJson("/api/v1/people/alice/feed", "{}").json().path("url").asString();
        Calendar alice = new CalendarBuilder().build(new StringReader(api.withToken(null).get(personUrl).body()));
        assertThat(alice.<VEvent>getComponents("VEVENT")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getSummary().getValue()).startsWith("On call: Backend on-call"));
    }

    @Test
    void configurationIsActivatedOnlyWhenValidAndEveryVersionIsKeptWithADiff() throws Exception {
        List<Map<String, String>> original = files(ACME);
        long startVersion = api.get("/api/v1/config/active").json().path("version").asLong();

        List<Map<String, String>> changed = new ArrayList<>();
        for (Map<String, String> f : original) {
            changed.add(Map.of("name", f.get("name"), "text", f.get("text").replace("participants: [alice, bob, carol]", "participants: [dan, bob, carol]")));
        }
        // The edit may take the pager from whoever is on call today: say yes to that.
        Answer applied = api.postJson("/api/v1/config", Map.of("files", changed, "confirm", true));
        assertThat(applied.status()).isEqualTo(201);
        assertThat(applied.json().path("version").asLong()).isEqualTo(startVersion + 1);
        assertThat(applied.json().path("diff").asString()).contains("-        participants: [alice, bob, carol]")
                .contains("+        participants: [dan, bob, carol]");
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary&at=2026-03-31T12:00:00Z").json()))
                .containsExactly("primary=dan");
        assertThat(api.postJson("/api/v1/config", Map.of("files", changed)).json().path("unchanged").asBoolean()).isTrue();

        List<Map<String, String>> broken = new ArrayList<>();
        for (Map<String, String> f : original) {
            broken.add(Map.of("name", f.get("name"), "text", f.get("text")
                    .replace("- { schedule: backend-primary, layer: secondary }", "- { schedule: backend-primry, layer: secondary }")
                    .replace("shift: 1d", "shift: 1x")));
        }
        Answer refused = api.postJson("/api/v1/config", Map.of("files", broken));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        List<String> problems = new ArrayList<>();
        for (JsonNode p : refused.json().path("errors")) {
            problems.add(p.path("file").asString() + ":" + p.path("line").asInt() + ": " + p.path("path").asString() + ": " + p.path("message").asString());
        }
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("escalation.yaml:14: escalation_policies[0].paths[0].levels[1].notify[0].schedule")
                .contains("unknown schedule \"backend-primry\" (did you mean \"backend-primary\"?)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("schedules.yaml:").contains("schedules[0].layers[2].shift"));
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(startVersion + 1);
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary&at=2026-03-31T12:00:00Z").json()))
                .containsExactly("primary=dan");

        Answer restored = api.postJson("/api/v1/config", Map.of("files", original, "confirm", true));
        assertThat(restored.status()).isEqualTo(201);
        JsonNode versions = api.get("/api/v1/config/versions").json();
        assertThat(versions.get(0).path("version").asLong()).isEqualTo(startVersion + 2);
        assertThat(versions.get(0).path("applied_by").asString()).isEqualTo("admin");
        JsonNode v = api.get("/api/v1/config/versions/" + (startVersion + 1)).json();
        assertThat(v.path("diff").asString()).contains("+        participants: [dan, bob, carol]");
        assertThat(api.get("/api/v1/audit").json().toString()).contains("config.activate");
        assertThat(api.get("/api/v1/config/versions/999999").status()).isEqualTo(404);
    }

    @Test
    void aRotationEditThatMovesThePagerNowIsShownAndNeedsAConfirmation(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String server = "http://localhost:" + port;
        List<Map<String, String>> original = files(ACME);
        String was = api.get("/api/v1/schedules/backend-primary/oncall?layer=primary").json().path("layers").get(0).path("person").asString();
        List<String> order = List.of("alice", "bob", "carol");
        // The same people one place further along: whoever is on call this week hands over mid-shift.
        String now = order.get((order.indexOf(was) + 1) % 3);
        List<Map<String, String>> rotated = new ArrayList<>();
        for (Map<String, String> f : original) {
            String text = f.get("text").replace("participants: [alice, bob, carol]", "participants: [bob, carol, alice]");
            rotated.add(Map.of("name", f.get("name"), "text", text));
            Files.writeString(tmp.resolve(f.get("name")), text);
        }
        long before = api.get("/api/v1/config/active").json().path("version").asLong();
        String line = "backend-primary/primary: now: " + now + ", was: " + was;

        Answer unconfirmed = api.postJson("/api/v1/config", Map.of("files", rotated));
        assertThat(unconfirmed.status()).isEqualTo(409);
        assertThat(unconfirmed.contentType()).startsWith("application/problem+json");
        assertThat(unconfirmed.json().path("errors").get(0).path("field").asString()).isEqualTo("confirm");
        assertThat(unconfirmed.json().path("detail").asString()).contains(line).contains("nothing was activated");
        JsonNode change = unconfirmed.json().path("on_call_changes").get(0);
        assertThat(unconfirmed.json().path("on_call_changes").size()).isEqualTo(1);
        assertThat(change.path("schedule").asString() + "/" + change.path("layer").asString() + " " + change.path("was").asString()
                + "->" + change.path("now").asString()).isEqualTo("backend-primary/primary " + was + "->" + now);
        assertThat(unconfirmed.json().path("diff").asString()).contains(line).contains("+        participants: [bob, carol, alice]");
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(before);

        io.tocsin.cli.CliRun refused = io.tocsin.cli.CliRun.run("apply", tmp.toString(), "--server", server, "--token", TOKEN);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("this configuration changes who is on call right now:").contains("  " + line)
                .contains("run again with --yes");
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(before);
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary").json())).containsExactly("primary=" + was);

        io.tocsin.cli.CliRun confirmed = io.tocsin.cli.CliRun.run("apply", tmp.toString(), "--yes", "--server", server, "--token", TOKEN);
        assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
        assertThat(confirmed.out()).contains("activated version " + (before + 1)).contains("who is on call now (").contains("  " + line);
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary").json())).containsExactly("primary=" + now);
        assertThat(api.get("/api/v1/config/versions/" + (before + 1)).json().path("diff").asString()).contains(line);

        // Going back while someone covers the shift by override moves nobody's pager: no confirmation asked.
        java.time.Instant at = java.time.Instant.now();
        Answer cover = api.postJson("/api/v1/schedules/backend-primary/overrides", Map.of("layer", "primary", "person", "dan",
                "start", at.minus(Duration.ofHours(1)).toString(), "end", at.plus(Duration.ofHours(1)).toString()));
        assertThat(cover.status()).isEqualTo(201);
        try {
            Answer restored = api.postJson("/api/v1/config", Map.of("files", original));
            assertThat(restored.status()).as(restored.body()).isEqualTo(201);
            assertThat(restored.json().path("on_call_changes").size()).isZero();
            assertThat(restored.json().path("diff").asString()).doesNotContain("who is on call now");
        } finally {
            api.delete("/api/v1/schedules/backend-primary/overrides/" + cover.json().path("id").asLong());
        }

        // The same edit made to wait for the end of the shift (effective_from: the next hand-off) moves nobody now.
        String handoff = api.get("/api/v1/schedules/backend-primary/next-handoff?layer=primary").json().path("next_handoff").asString();
        List<Map<String, String>> later = new ArrayList<>();
        for (Map<String, String> f : original) {
            if (!f.get("name").equals("schedules.yaml")) {
                later.add(f);
                continue;
            }
            later.add(Map.of("name", f.get("name"), "text", f.get("text").replace("      - id: secondary\n", """
                          - id: primary
                            effective_from: %s
                            participants: [bob, carol, alice]
                            shift: 1w
                            handoff: { day: mon, time: "09:00" }
                            start: 2026-01-05
                          - id: secondary
                    """.formatted(handoff))));
        }
        Answer waiting = api.postJson("/api/v1/config", Map.of("files", later));
        assertThat(waiting.status()).as(waiting.body()).isEqualTo(201);
        assertThat(waiting.json().path("on_call_changes").size()).isZero();
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary").json())).containsExactly("primary=" + was);
        String nextWeek = order.get((order.indexOf(was) + 2) % 3);
        assertThat(layers(api.get("/api/v1/schedules/backend-primary/oncall?layer=primary&at=" + handoff.replace("+", "%2B")).json()))
                .containsExactly("primary=" + nextWeek);
        assertThat(api.postJson("/api/v1/config", Map.of("files", original)).status()).isEqualTo(201);
    }

    @Test
    void aSingleYamlDocumentCanBePostedAsIs() throws Exception {
        StringBuilder all = new StringBuilder();
        for (Map<String, String> f : files(ACME)) {
            all.append(f.get("text")).append('\n');
        }
        Answer a = api.post("/api/v1/config", "application/yaml", all.toString());
        assertThat(a.status()).isIn(200, 201);
        Answer bad = api.post("/api/v1/config", "application/yaml", "organisation: [unclosed");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().path("errors").get(0).path("message").asString()).contains("YAML");
        Answer empty = api.postJson("/api/v1/config", Map.of("files", List.of()));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("errors").get(0).path("field").asString()).isEqualTo("files");
        // put the multi-file version back so diffs in other tests stay readable
        api.postJson("/api/v1/config", Map.of("files", files(ACME)));
    }

    @Test
    void theApplyCommandActivatesOnARunningServerAndRefusesBrokenFiles(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String server = "http://localhost:" + port;
        io.tocsin.cli.CliRun ok = io.tocsin.cli.CliRun.run("apply", ACME, "--server", server, "--token", TOKEN);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).containsPattern("unchanged: version \\d+ is already active|activated version \\d+");

        for (Map<String, String> f : files(ACME)) {
            Files.writeString(tmp.resolve(f.get("name")), f.get("text").replace("escalation_policy: backend", "escalation_policy: backnd"));
        }
        long before = api.get("/api/v1/config/active").json().path("version").asLong();
        io.tocsin.cli.CliRun refused = io.tocsin.cli.CliRun.run("apply", tmp.toString(), "--server", server, "--token", TOKEN);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("services[0].escalation_policy: unknown escalation policy \"backnd\" (did you mean \"backend\"?)")
                .contains("nothing was sent");
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(before);

        io.tocsin.cli.CliRun badToken = io.tocsin.cli.CliRun.run("apply", ACME, "--server", server, "--token", "wrong");
        assertThat(badToken.exitCode()).isEqualTo(1);
        assertThat(badToken.err()).contains("401");
    }

    @Test
    void validateReportsEveryProblemWithFileAndLineAndActivatesNothing() throws Exception {
        List<Map<String, String>> original = files(ACME);
        long active = api.get("/api/v1/config/active").json().path("version").asLong();
        int versions = api.get("/api/v1/config/versions?limit=1000").json().size();
        String primaryOn31st = "/api/v1/schedules/backend-primary/oncall?layer=primary&at=2026-03-31T12:00:00Z";

        Answer valid = api.postJson("/api/v1/config/validate", Map.of("files", original));
        assertThat(valid.status()).as(valid.body()).isEqualTo(200);
        assertThat(valid.json().path("valid").asBoolean()).isTrue();
        assertThat(valid.json().path("problems").size()).isZero();

        // Valid and different: still only checked, so dan does not take over.
        List<Map<String, String>> changed = new ArrayList<>();
        for (Map<String, String> f : original) {
            changed.add(Map.of("name", f.get("name"), "text", f.get("text").replace("participants: [alice, bob, carol]", "participants: [dan, bob, carol]")));
        }
        assertThat(api.postJson("/api/v1/config/validate", Map.of("files", changed)).status()).isEqualTo(200);
        assertThat(layers(api.get(primaryOn31st).json())).containsExactly("primary=alice");

        List<Map<String, String>> broken = new ArrayList<>();
        for (Map<String, String> f : original) {
            broken.add(Map.of("name", f.get("name"), "text", f.get("text")
                    .replace("- { schedule: backend-primary, layer: secondary }", "- { schedule: backend-primry, layer: secondary }")
                    .replace("shift: 1d", "shift: 1x")
                    .replace("participants: [alice, bob, carol]", "participants: [dan, bob, carol]")));
        }
        Answer invalid = api.postJson("/api/v1/config/validate", Map.of("files", broken));
        assertThat(invalid.status()).as(invalid.body()).isEqualTo(422);
        assertThat(invalid.contentType()).startsWith("application/problem+json");
        assertThat(invalid.json().path("valid").asBoolean()).isFalse();
        List<String> problems = new ArrayList<>();
        for (JsonNode p : invalid.json().path("errors")) {
            problems.add(p.path("file").asString() + ":" + p.path("line").asInt() + ": " + p.path("path").asString() + ": " + p.path("message").asString());
        }
        assertThat(problems).hasSize(2);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("escalation.yaml:14: escalation_policies[0].paths[0].levels[1].notify[0].schedule")
                .contains("unknown schedule \"backend-primry\" (did you mean \"backend-primary\"?)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).matches("schedules\\.yaml:\\d+: schedules\\[0\\]\\.layers\\[2\\]\\.shift: .*"));
        assertThat(invalid.json().path("detail").asString()).contains("2 problem(s)").contains("nothing was activated");

        assertField(api.postJson("/api/v1/config/validate", Map.of("files", List.of())), "files");
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(active);
        assertThat(api.get("/api/v1/config/versions?limit=1000").json().size()).isEqualTo(versions);
        assertThat(layers(api.get(primaryOn31st).json())).containsExactly("primary=alice");
        assertThat(api.get("/api/v1/audit").json().toString()).doesNotContain("config.validate");
    }

    /**
     * Validating and activating answer whether every page has someone to reach: the organisation whose
     * secondary layer is empty every night is valid, and its report names those nights; activating it
     * answers the same report, and {@code tocsin apply} prints it. Gaps are reported, never refused.
     */
    @Test
    void validateAndApplyReportThePeriodsInWhichAPageReachesNobody(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String nights = "src/test/resources/orgs/coverage-nights";
        String week = "?from=2026-04-05T21:00:00Z&weeks=1";
        Answer acme = api.postJson("/api/v1/config/validate" + week, Map.of("files", files(ACME)));
        assertThat(acme.status()).as(acme.body()).isEqualTo(200);
        assertThat(acme.json().path("coverage").path("gaps").asBoolean()).isFalse();

        Answer valid = api.postJson("/api/v1/config/validate" + week, Map.of("files", files(nights)));
        assertThat(valid.status()).as(valid.body()).isEqualTo(200);
        assertThat(valid.json().path("valid").asBoolean()).isTrue();
        JsonNode coverage = valid.json().path("coverage");
        assertThat(coverage.path("gaps").asBoolean()).isTrue();
        assertThat(coverage.path("from").asString()).isEqualTo("2026-04-05T21:00:00Z");
        assertThat(coverage.path("to").asString()).isEqualTo("2026-04-12T21:00:00Z");
        JsonNode webP2 = coverage.path("checks").get(1);
        assertThat(webP2.path("service").asString() + "/" + webP2.path("severity").asString()).isEqualTo("web/P2");
        JsonNode nightGaps = webP2.path("first_level_gaps");
        assertThat(nightGaps.size()).isEqualTo(8);
        assertThat(nightGaps.get(1).path("local_start").asString()).isEqualTo("2026-04-06T20:00+03:00");
        assertThat(nightGaps.get(1).path("local_end").asString()).isEqualTo("2026-04-07T08:00+03:00");
        assertThat(nightGaps.get(1).path("reason").asString()).isEqualTo("level secondary reaches nobody (on call in web/secondary)");

        // The horizon's fields are checked like any other, before anything else.
        assertField(api.postJson("/api/v1/config/validate?weeks=0", Map.of("files", files(nights))), "weeks");
        assertField(api.postJson("/api/v1/config/validate?weeks=many", Map.of("files", files(nights))), "weeks");
        assertField(api.postJson("/api/v1/config/validate?from=monday", Map.of("files", files(nights))), "from");
        long before = api.get("/api/v1/config/active").json().path("version").asLong();
        assertField(api.postJson("/api/v1/config?weeks=53", Map.of("files", files(nights))), "weeks");
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(before);

        try {
            // Another organisation moves every pager: the switch is confirmed.
            Answer applied = api.postJson("/api/v1/config" + week, Map.of("files", files(nights), "confirm", true));
            assertThat(applied.status()).as(applied.body()).isEqualTo(201);
            assertThat(applied.json().path("coverage")).isEqualTo(coverage);
            assertThat(api.get("/api/v1/config/active").json().path("organisation").asString()).isEqualTo("coverage-nights");

            io.tocsin.cli.CliRun cli = io.tocsin.cli.CliRun.run("apply", nights, "--server", "http://localhost:" + port, "--token", TOKEN);
            assertThat(cli.exitCode()).as(cli.err()).isZero();
            assertThat(cli.out()).containsPattern("unchanged: version \\d+ is already active|activated version \\d+")
                    .contains("Coverage of coverage-nights from ")
                    .contains("service web, severity P1 (path major, first level primary)\n  first level primary: no gap\n")
                    .containsPattern("first level secondary: \\d+ gap\\(s\\)\n    \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d [+]0[23]:00 to ")
                    .contains("08:00 +0").contains("20:00 +0").contains("  level secondary reaches nobody (on call in web/secondary)\n")
                    .contains("gap period(s) in 3 of 4 service/severity pair(s).");
        } finally {
            api.postJson("/api/v1/config", Map.of("files", files(ACME), "confirm", true));
        }
        assertThat(api.get("/api/v1/config/active").json().path("organisation").asString()).isEqualTo("acme");
    }

    @Test
    void schedulesAreListedWithTheirLayersAndWhenTheAnswerNextChanges() {
        JsonNode all = api.get("/api/v1/schedules").json();
        assertThat(all.size()).isEqualTo(1);
        JsonNode s = all.get(0);
        assertThat(s.path("id").asString()).isEqualTo("backend-primary");
        assertThat(s.path("name").asString()).isEqualTo("Backend on-call");
        assertThat(s.path("time_zone").asString()).isEqualTo("Europe/Bucharest");
        List<String> layerIds = new ArrayList<>();
        s.path("layers").forEach(l -> layerIds.add(l.path("id").asString()));
        assertThat(layerIds).containsExactly("primary", "secondary", "business-hours");
        JsonNode primary = s.path("layers").get(0);
        assertThat(primary.path("name").asString()).isEqualTo("Primary rotation");
        assertThat(primary.path("participants").toString()).isEqualTo("[\"alice\",\"bob\",\"carol\"]");
        assertThat(primary.path("start").asString()).isEqualTo("2026-01-05");
        assertThat(primary.path("handoff").asString()).containsIgnoringCase("mon").contains("09:00");
        assertThat(s.path("layers").get(2).path("restrictions").asInt()).isEqualTo(1);

        Answer one = api.get("/api/v1/schedules/backend-primary");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(s);
        Answer missing = api.get("/api/v1/schedules/backend-primry");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");

        // Sunday 03:00 on the night of the change to summer time: the Monday 09:00 hand-off is at 06:00Z.
        JsonNode next = api.get("/api/v1/schedules/backend-primary/next-handoff?layer=primary&at=2026-03-29T03:00:00%2B02:00").json();
        assertThat(next.path("layer").asString()).isEqualTo("primary");
        assertThat(next.path("next_handoff").asString()).isEqualTo("2026-03-30T06:00:00Z");
        assertThat(api.get("/api/v1/schedules/backend-primary/next-handoff?at=2026-03-29T01:00:00Z").json().path("layer").asString())
                .isEqualTo("primary");
        // Friday evening, outside business hours: nobody until Monday 09:00 local.
        JsonNode weekend = api.get("/api/v1/schedules/backend-primary/next-handoff?layer=business-hours&at=2026-04-03T15:00:00Z").json();
        assertThat(weekend.path("next_handoff").asString()).isEqualTo("2026-04-06T06:00:00Z");
        assertField(api.get("/api/v1/schedules/backend-primary/next-handoff?layer=tertiary"), "layer");
        assertField(api.get("/api/v1/schedules/backend-primary/next-handoff?at=soon"), "at");
        assertThat(api.get("/api/v1/schedules/nope/next-handoff").status()).isEqualTo(404);
    }

    @Test
    void healthIsAnsweredWithoutAToken() {
        Answer health = api.withToken(null).get("/actuator/health");
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
    }

    static List<Map<String, String>> files(String dir) throws Exception {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            List<Map<String, String>> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                out.add(Map.of("name", p.getFileName().toString(), "text", Files.readString(p)));
            }
            return out;
        }
    }

    static void assertField(Answer a, String field) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).isEqualTo(field);
    }

    static List<String> layers(JsonNode answer) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : answer.path("layers")) {
            out.add(l.path("layer").asString() + "=" + (l.path("person").isNull() ? "null" : l.path("person").asString()));
        }
        return out;
    }

    @Test
    void simulateReplaysAScenarioAgainstFilesNotYetAppliedExactlyAsTheCommandLineDoes() throws Exception {
        Path example = Path.of("examples/mother-harness");
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(example)) {
            for (Path f : s.filter(x -> x.toString().endsWith(".yaml")).sorted().toList()) {
                files.add(Map.of("name", f.getFileName().toString(), "text", Files.readString(f)));
            }
        }
        Path scenario = example.resolve("scenarios/p1-simultaneous.yaml");
        Map<String, Object> body = Map.of("scenario", Files.readString(scenario), "files", files);
        Answer text = api.withHeader("Accept", "text/plain").postJson("/api/v1/simulate", body);
        assertThat(text.status()).as(text.body()).isEqualTo(200);
        assertThat(text.body()).isEqualTo(Files.readString(example.resolve("scenarios/p1-simultaneous.timeline.txt")));

        Answer json = api.postJson("/api/v1/simulate", body);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().path("time_zone").asString()).isEqualTo("America/New_York");
        assertThat(json.json().path("timeline").get(1).path("kind").asString()).isEqualTo("OPENED");
        assertThat(json.json().path("timeline").get(2).path("people").toString()).isEqualTo("[\"chloe-nguyen\"]");
        // Simulating writes nothing: no incident appears.
        assertThat(api.get("/api/v1/incidents?limit=1000").json().toString()).doesNotContain("SIM-1");
    }

    @Test
    void simulateRunsAgainstTheRunningConfigurationAndNamesBadInput() {
        String scenario = """
                name: API on-call at night
                start: 2026-03-29T03:00:00+03:00
                events:
                  - { at: 0m, alert: { service: api, severity: P1, summary: down } }
                  - { at: 20m, acknowledge: alice }
                """;
        Answer ok = api.post("/api/v1/simulate", "application/yaml", scenario);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("timeline").toString()).contains("OPENED").contains("ACKNOWLEDGED");

        Answer unknownService = api.post("/api/v1/simulate", "application/yaml", scenario.replace("service: api", "service: apu"));
        assertThat(unknownService.status()).isEqualTo(400);
        assertThat(unknownService.contentType()).startsWith("application/problem+json");
        assertThat(unknownService.json().path("errors").get(0).path("field").asString()).isEqualTo("scenario");
        assertThat(unknownService.json().path("errors").get(0).path("message").asString()).contains("unknown service \"apu\"");

        Answer badKey = api.post("/api/v1/simulate", "application/yaml", scenario.replace("events:", "evnts:"));
        assertThat(badKey.status()).isEqualTo(400);
        Answer tooLong = api.post("/api/v1/simulate", "application/yaml", scenario.replace("events:", "run_for: 400d\nevents:"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("errors").get(0).path("message").asString()).contains("run_for");
        Answer missing = api.postJson("/api/v1/simulate", Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("errors").get(0).path("field").asString()).isEqualTo("scenario");
        Answer badFiles = api.postJson("/api/v1/simulate", Map.of("scenario", scenario,
                "files", List.of(Map.of("name", "x.yaml", "text", "people: [{id: 1}]"))));
        assertThat(badFiles.status()).isEqualTo(422);
    }
}
