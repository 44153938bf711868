package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * Who acts is who authenticated (issue 12): personal tokens act as their person, service tokens as
 * "service:NAME" and the admin token as itself, and none names anyone else (a From header, the CLI, the
 * UI's token sign-in); scopes limit what a token calls, tokens
 * expire, a person manages only their own tokens, and people sign in to the UI with a password that
 * an admin or they themselves set, with failed attempts throttled. Through HTTP and the CLI.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + IdentityContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class IdentityContract {
    static final String TOKEN = "identity-test-token-0123456789";
    static final String KEY = "a1111111111111111111111111111111";
    static final Pattern CREATED = Pattern.compile("token (\\d+) \\(([^)]+)\\): (\\S+)");
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls(base(), TOKEN);
        api.resolveAllOpen();
        for (JsonNode t : api.get("/api/v1/tokens").json()) {
            if (!"admin".equals(t.path("kind").asString())) {
                assertThat(api.delete("/api/v1/tokens/" + t.path("id").asLong()).status()).isEqualTo(200);
            }
        }
    }

    String base() {
        return "http://localhost:" + port;
    }

    String[] server(String token, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--server";
        all[args.length + 1] = base();
        all[args.length + 2] = "--token";
        all[args.length + 3] = token;
        return all;
    }

    /** Issues a token through the CLI, as an operator would, and answers its secret. */
    String cliToken(String... args) {
        CliRun created = CliRun.run(server(TOKEN, args));
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher m = CREATED.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        return m.group(3);
    }

    long openIncident() {
        String dedup = "id-" + System.nanoTime();
        HttpCalls.Answer a = api.withToken(null).postJson("/v2/enqueue", Map.of("routing_key", KEY, "event_action", "trigger",
                "dedup_key", dedup, "payload", Map.of("summary", "disk full", "source", "prometheus", "severity", "critical")));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        for (JsonNode i : api.get("/api/v1/incidents?limit=1000").json()) {
            if (dedup.equals(i.path("dedup_key").asString())) {
                return Long.parseLong(i.path("id").asString().substring(4));
            }
        }
        throw new AssertionError("no incident with dedup key " + dedup);
    }

    List<String> actorsOf(long incident, String kind) {
        List<String> actors = new java.util.ArrayList<>();
        for (JsonNode e : api.get("/api/v1/incidents/" + incident).json().path("timeline")) {
            if (kind.equals(e.path("kind").asString())) {
                actors.add(e.path("actor").asString());
            }
        }
        return actors;
    }

    /** How the CLI prints an instant: in the organisation's zone (acme: Europe/Bucharest), to the second. */
    static String local(java.time.Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z")
                .format(at.atZone(java.time.ZoneId.of("Europe/Bucharest")));
    }

    static void assertForbidden(HttpCalls.Answer answer, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(403);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("errors").get(0).path("field").asString()).isEqualTo(field);
    }

    /** A {@code From} header naming someone else is refused as such: the header named, and the way to act as them. */
    static void assertFromRefused(HttpCalls.Answer answer) {
        assertForbidden(answer, "From");
        assertThat(answer.json().path("detail").asString()).startsWith("From: ")
                .contains("the actor is always the token's owner").contains("personal token").contains("tocsin token create");
    }

    @Test
    void aPersonalTokenActsAsItsPersonAndCannotNameAnyoneElse() {
        HttpCalls alice = api.withToken(cliToken("token", "create", "alice-laptop", "--person", "alice@example.com"));
        long incident = openIncident();

        assertFromRefused(alice.withHeader("From", "bob").postJson("/api/v1/incidents/" + incident + "/acknowledge", "{}"));
        assertThat(actorsOf(incident, "ACKNOWLEDGED")).isEmpty();

        HttpCalls.Answer ack = alice.postJson("/api/v1/incidents/" + incident + "/acknowledge", "{}");
        assertThat(ack.status()).as(ack.body()).isEqualTo(200);
        // naming oneself, by a contact address or by id, is no lie: PagerDuty-style clients send From always
        assertThat(alice.withHeader("From", "alice@example.com")
                .postJson("/api/v1/incidents/" + incident + "/notes", Map.of("text", "looking")).status()).isEqualTo(200);
        assertThat(alice.withHeader("From", "alice")
                .postJson("/api/v1/incidents/" + incident + "/notes", Map.of("text", "still looking")).status()).isEqualTo(200);
        assertThat(actorsOf(incident, "ACKNOWLEDGED")).containsExactly("alice");
        assertThat(actorsOf(incident, "NOTE")).containsExactly("alice", "alice");
        // the war room joins the token's person without a From header
        assertThat(api.postJson("/api/v1/incidents/" + incident + "/war-room", Map.of("reason", "big")).status()).isEqualTo(200);
        HttpCalls.Answer joined = alice.postJson("/api/v1/incidents/" + incident + "/war-room/join", "{}");
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        assertThat(actorsOf(incident, "WAR_ROOM_JOINED")).containsExactly("alice");
    }

    @Test
    void aBulkAcknowledgementIsRecordedAsTheTokensPersonToo() {
        HttpCalls alice = api.withToken(cliToken("token", "create", "alice-laptop", "--person", "alice"));
        long first = openIncident();
        long second = openIncident();
        Map<String, Object> both = Map.of("ids", List.of("INC-" + first, "INC-" + second));
        assertFromRefused(alice.withHeader("From", "carol").postJson("/api/v1/incidents/acknowledge", both));
        assertThat(actorsOf(first, "ACKNOWLEDGED")).isEmpty();
        assertThat(actorsOf(second, "ACKNOWLEDGED")).isEmpty();
        HttpCalls.Answer acked = alice.postJson("/api/v1/incidents/acknowledge", both);
        assertThat(acked.status()).as(acked.body()).isEqualTo(200);
        assertThat(actorsOf(first, "ACKNOWLEDGED")).containsExactly("alice");
        assertThat(actorsOf(second, "ACKNOWLEDGED")).containsExactly("alice");
    }

    @Test
    void aServiceTokenActsAsItselfAndSoDoesTheAdminToken() {
        HttpCalls bot = api.withToken(cliToken("token", "create", "chatops"));
        long incident = openIncident();
        assertFromRefused(bot.withHeader("From", "alice").postJson("/api/v1/incidents/" + incident + "/notes",
                Map.of("text", "as alice")));
        assertThat(bot.postJson("/api/v1/incidents/" + incident + "/notes", Map.of("text", "runbook posted")).status()).isEqualTo(200);
        assertThat(bot.withHeader("From", "service:chatops").postJson("/api/v1/incidents/" + incident + "/notes",
                Map.of("text", "runbook checked")).status()).isEqualTo(200);
        // the admin token no longer relays for a person, known or not: nothing is written under either name
        assertFromRefused(api.withHeader("From", "bob").postJson("/api/v1/incidents/" + incident + "/notes",
                Map.of("text", "relayed")));
        assertFromRefused(api.withHeader("From", "mallory@example.com").postJson("/api/v1/incidents/" + incident + "/notes",
                Map.of("text", "relayed")));
        assertThat(api.postJson("/api/v1/incidents/" + incident + "/notes", Map.of("text", "by the installer")).status()).isEqualTo(200);
        assertThat(api.withHeader("From", "admin").postJson("/api/v1/incidents/" + incident + "/notes",
                Map.of("text", "named itself")).status()).isEqualTo(200);
        assertThat(actorsOf(incident, "NOTE")).containsExactly("service:chatops", "service:chatops", "admin", "admin");
        // only a person joins a war room: neither the admin nor a service token has one to record
        assertThat(api.postJson("/api/v1/incidents/" + incident + "/war-room", Map.of("reason", "big")).status()).isEqualTo(200);
        assertForbidden(api.postJson("/api/v1/incidents/" + incident + "/war-room/join", "{}"), "Authorization");
        assertForbidden(bot.postJson("/api/v1/incidents/" + incident + "/war-room/join", "{}"), "Authorization");
        assertThat(actorsOf(incident, "WAR_ROOM_JOINED")).isEmpty();
        assertThat(api.get("/api/v1/tokens").json()).anySatisfy(t -> {
            assertThat(t.path("name").asString()).isEqualTo("chatops");
            assertThat(t.path("kind").asString()).isEqualTo("service");
            assertThat(t.path("actor").asString()).isEqualTo("service:chatops");
        });
    }

    @Test
    void theCliNamesNobodyButTheTokensOwner() {
        long incident = openIncident();
        // --as is gone: picocli refuses it as unknown, and nothing is sent
        CliRun as = CliRun.run(server(TOKEN, "incident", "ack", String.valueOf(incident), "--as", "carol"));
        assertThat(as.exitCode()).isEqualTo(2);
        assertThat(as.err()).contains("Unknown option").contains("--as");
        assertThat(actorsOf(incident, "ACKNOWLEDGED")).isEmpty();
        String carols = cliToken("token", "create", "carol-laptop", "--person", "carol");
        CliRun ack = CliRun.run(server(carols, "incident", "ack", String.valueOf(incident)));
        assertThat(ack.exitCode()).as(ack.err()).isZero();
        assertThat(actorsOf(incident, "ACKNOWLEDGED")).containsExactly("carol");
    }

    @Test
    void aTokenSignsInToTheUiAsItsOwnerOnly() throws Exception {
        HttpClient browser = browser();
        assertThat(signInWithToken(browser, TOKEN, "carol").headers().firstValue("Location").orElse(""))
                .endsWith("/login?error=not-yours");
        assertThat(send(browser, "GET", "/login?error=not-yours", null).body()).contains("signs in as its own owner, never as someone else")
                .contains("tocsin token create NAME --person PERSON");
        assertThat(signInWithToken(browser, TOKEN, null).headers().firstValue("Location").orElse("")).endsWith("/ui");
        assertThat(send(browser, "GET", "/ui", null).body()).contains("signed in as <strong id=\"person\">admin</strong>");

        String alices = cliToken("token", "create", "alice-laptop", "--person", "alice");
        HttpClient hers = browser();
        assertThat(signInWithToken(hers, alices, "alice@example.com").headers().firstValue("Location").orElse("")).endsWith("/ui");
        assertThat(send(hers, "GET", "/ui", null).body()).contains("signed in as <strong id=\"person\">alice</strong>");
    }

    @Test
    void scopesDecideWhatATokenMayCall() {
        HttpCalls reader = api.withToken(cliToken("token", "create", "dashboard", "--scopes", "read"));
        HttpCalls writer = api.withToken(cliToken("token", "create", "alice-cli", "--person", "alice", "--scopes", "read,write"));
        long incident = openIncident();

        assertThat(reader.get("/api/v1/incidents").status()).isEqualTo(200);
        assertThat(reader.post("/api/v1/config/validate", "application/yaml", "organisation: {}").status()).isNotEqualTo(403);
        HttpCalls.Answer refused = reader.postJson("/api/v1/incidents/" + incident + "/acknowledge", "{}");
        assertForbidden(refused, "Authorization");
        assertThat(refused.json().path("detail").asString()).contains("write");

        assertForbidden(writer.get("/api/v1/audit"), "Authorization");
        assertForbidden(writer.put("/api/v1/switches", Map.of("automation", "off")), "Authorization");
        assertForbidden(writer.post("/api/v1/config", "application/yaml", "x: 1"), "Authorization");
        assertThat(api.get("/api/v1/audit").status()).isEqualTo(200);
    }

    @Test
    void aTokenStopsWorkingWhenItExpires() {
        String expires = local(clock.instant().plus(Duration.ofDays(2)));
        CliRun created = CliRun.run(server(TOKEN, "token", "create", "temp", "--expires-in-days", "2"));
        assertThat(created.out()).contains("expires " + expires);
        Matcher m = CREATED.matcher(created.out());
        assertThat(m.find()).isTrue();
        HttpCalls temp = api.withToken(m.group(3));
        clock.advance(Duration.ofDays(2).minusSeconds(1));
        assertThat(temp.get("/api/v1/incidents").status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(temp.get("/api/v1/incidents").status()).isEqualTo(401);
        CliRun list = CliRun.run(server(TOKEN, "token", "list"));
        assertThat(list.out()).contains("temp  service as service:temp  [read,write]").contains("expired " + expires);
        // every invalid field at once
        JsonNode bad = api.postJson("/api/v1/tokens", Map.of("name", " ", "person", "mallory", "scopes", List.of("rw"),
                "expires_in_days", 0)).json();
        assertThat(bad.path("errors")).extracting(e -> e.path("field").asString())
                .containsExactlyInAnyOrder("name", "person", "scopes", "expires_in_days");
    }

    @Test
    void aPersonManagesOnlyTheirOwnTokensAndNeverWidensThem() {
        String aliceExpires = local(clock.instant().plus(Duration.ofDays(10)));
        String aliceSecret = cliToken("token", "create", "alice-laptop", "--person", "alice", "--expires-in-days", "10");
        cliToken("token", "create", "bob-laptop", "--person", "bob");
        HttpCalls alice = api.withToken(aliceSecret);

        CliRun own = CliRun.run(server(aliceSecret, "token", "create", "alice-phone"));
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(own.out()).contains("acts as alice").contains("expires " + aliceExpires);
        assertForbidden(alice.postJson("/api/v1/tokens", Map.of("name", "sneaky", "person", "bob")), "person");
        assertForbidden(alice.postJson("/api/v1/tokens", Map.of("name", "bot", "kind", "service")), "person");
        assertForbidden(alice.postJson("/api/v1/tokens", Map.of("name", "root", "scopes", List.of("read", "admin"))), "scopes");

        JsonNode listed = alice.get("/api/v1/tokens").json();
        assertThat(listed).extracting(t -> t.path("name").asString()).containsExactly("alice-laptop", "alice-phone");
        long bobs = 0;
        for (JsonNode t : api.get("/api/v1/tokens").json()) {
            if ("bob-laptop".equals(t.path("name").asString())) {
                bobs = t.path("id").asLong();
            }
        }
        assertThat(alice.delete("/api/v1/tokens/" + bobs).status()).isEqualTo(404);
        long phone = listed.get(1).path("id").asLong();
        CliRun revoked = CliRun.run(server(aliceSecret, "token", "revoke", String.valueOf(phone)));
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(api.get("/api/v1/audit?limit=20").body()).contains("\"actor\":\"alice\"").contains("token.revoke");
    }

    @Test
    void aPasswordIsSetByAnAdminOrItsPersonAndSignsThemIn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path shortFile = Files.writeString(dir.resolve("short"), "hunter2\n");
        CliRun tooShort = CliRun.run(server(TOKEN, "password", "set", "alice", "--password-file", shortFile.toString()));
        assertThat(tooShort.exitCode()).isEqualTo(1);
        assertThat(tooShort.err()).contains("password").contains("at least 12 characters");

        Path file = Files.writeString(dir.resolve("pw"), "correct horse battery staple\n");
        CliRun set = CliRun.run(server(TOKEN, "password", "set", "alice@example.com", "--password-file", file.toString()));
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("password set for alice");

        HttpCalls bob = api.withToken(cliToken("token", "create", "bob-laptop", "--person", "bob"));
        assertForbidden(bob.put("/api/v1/people/alice/password", Map.of("password", "bob was here, twelve")), "id");
        assertThat(bob.put("/api/v1/people/bob/password", Map.of("password", "bob's own password")).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/audit?limit=20").body()).contains("password.set").doesNotContain("correct horse");

        HttpClient browser = browser();
        HttpResponse<String> in = signIn(browser, "alice", "correct horse battery staple");
        assertThat(in.headers().firstValue("Location").orElse("")).endsWith("/ui");
        assertThat(send(browser, "GET", "/ui", null).body()).contains("signed in as <strong id=\"person\">alice</strong>");
        assertThat(signIn(browser(), "bob@example.com", "bob's own password").headers().firstValue("Location").orElse(""))
                .endsWith("/ui");
    }

    @Test
    void failedPasswordSignInsAreThrottledPerAccountAndPerClient(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "carol's long password\n");
        assertThat(CliRun.run(server(TOKEN, "password", "set", "carol", "--password-file", file.toString())).exitCode()).isZero();
        for (int i = 0; i < LoginLimits.PER_ACCOUNT; i++) {
            assertThat(signIn(browser(), "carol", "wrong guess " + i).headers().firstValue("Location").orElse(""))
                    .endsWith("/login?error=password");
        }
        // the sixth attempt is not checked at all, even with the right password
        assertThat(signIn(browser(), "carol", "carol's long password").headers().firstValue("Location").orElse(""))
                .endsWith("/login?error=throttled");
        clock.advance(Duration.ofMinutes(15));
        assertThat(signIn(browser(), "carol", "carol's long password").headers().firstValue("Location").orElse(""))
                .endsWith("/ui");

        // one client trying many accounts: 20 failures from one address, then nothing more is checked from it
        for (int i = 0; i < LoginLimits.PER_CLIENT; i++) {
            signIn(browser(), "nobody-" + i, "whatever it is");
        }
        assertThat(signIn(browser(), "carol", "carol's long password").headers().firstValue("Location").orElse(""))
                .endsWith("/login?error=throttled");
        // leave no failure behind in the window for the other cases of this class
        clock.advance(Duration.ofMinutes(15));
    }

    /** The documented limits (docs/operations.md), written here again so a change to them is a visible decision. */
    static final class LoginLimits {
        static final int PER_ACCOUNT = 5;
        static final int PER_CLIENT = 20;
    }

    static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> signIn(HttpClient browser, String person, String password) throws Exception {
        Matcher csrf = CSRF_FIELD.matcher(send(browser, "GET", "/login", null).body());
        assertThat(csrf.find()).isTrue();
        return send(browser, "POST", "/login", Map.of("person", person, "password", password, "_csrf", csrf.group(1)));
    }

    /** The token form of the sign-in page; {@code person} is what an old form or a script might still send along. */
    HttpResponse<String> signInWithToken(HttpClient browser, String token, String person) throws Exception {
        Matcher csrf = CSRF_FIELD.matcher(send(browser, "GET", "/login", null).body());
        assertThat(csrf.find()).isTrue();
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("token", token, "_csrf", csrf.group(1)));
        if (person != null) {
            form.put("person", person);
        }
        return send(browser, "POST", "/login", form);
    }

    HttpResponse<String> send(HttpClient client, String method, String path, Map<String, String> form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
        if (form == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            b.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
