package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.RawHttp;
import io.tocsin.testing.TestClockConfig;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * Who holds access, and what a client can make Tocsin say about itself: feed links come from the
 * configured public address whatever Host a client sends; API tokens and feed tokens are listed
 * without their secrets and revoked through the API and the CLI, and a revoked token stops working
 * everywhere at once, UI sessions included.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + AccessContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token",
        "tocsin.public-url=" + AccessContract.PUBLIC_URL})
@Import(TestClockConfig.class)
// Each subclass has a database of its own, so its context is never reused: close it and give back its connections.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class AccessContract {
    static final String TOKEN = "access-test-token-0123456789";
    static final String PUBLIC_URL = "https://oncall.example.org/tocsin/";
    static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls(base(), TOKEN);
        // Tokens issued by an earlier case are revoked, so each case starts with the admin token alone.
        for (JsonNode t : api.get("/api/v1/tokens").json()) {
            if (!"admin".equals(t.path("name").asString())) {
                assertThat(api.delete("/api/v1/tokens/" + t.path("id").asLong()).status()).isEqualTo(200);
            }
        }
    }

    String base() {
        return "http://localhost:" + port;
    }

    String[] server(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--server";
        all[args.length + 1] = base();
        all[args.length + 2] = "--token";
        all[args.length + 3] = TOKEN;
        return all;
    }

    @Test
    void aFeedLinkNamesThePublicUrlWhateverHostTheClientSent() throws Exception {
        for (String path : new String[] {"/api/v1/schedules/backend-primary/feed", "/api/v1/people/alice/feed"}) {
            String answer = RawHttp.exchange(port, "POST", path, Map.of("Host", "evil.example",
                    "X-Forwarded-Host", "evil.example", "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json"), "{}");
            assertThat(answer).startsWith("HTTP/1.1 201");
            Matcher url = URL.matcher(answer);
            assertThat(url.find()).as(answer).isTrue();
            assertThat(url.group(1)).startsWith("https://oncall.example.org/tocsin/ical/").contains("?token=")
                    .doesNotContain("evil.example");
        }
    }

    @Test
    void apiTokensAreListedIssuedAndRevokedAndARevokedTokenOpensNothing() {
        CliRun created = CliRun.run(server("token", "create", "ci-bot"));
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher m = Pattern.compile("token (\\d+) \\(ci-bot\\): (\\S+)").matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        long id = Long.parseLong(m.group(1));
        String secret = m.group(2);
        HttpCalls bot = api.withToken(secret);
        assertThat(bot.get("/api/v1/incidents").status()).isEqualTo(200);

        JsonNode listed = api.get("/api/v1/tokens").json();
        assertThat(listed).extracting(t -> t.path("name").asString()).containsExactly("admin", "ci-bot");
        // the listing never shows a secret or its hash
        assertThat(listed.toString()).doesNotContain(secret).doesNotContain(TOKEN).doesNotContain("hash");
        CliRun list = CliRun.run(server("token", "list"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(id + "  ci-bot").contains("admin").doesNotContain(secret);

        CliRun revoked = CliRun.run(server("token", "revoke", String.valueOf(id)));
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked token " + id + " (ci-bot)");
        HttpCalls.Answer refused = bot.get("/api/v1/incidents");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(api.get("/api/v1/tokens").json()).extracting(t -> t.path("name").asString()).containsExactly("admin");
        assertThat(api.get("/api/v1/audit?limit=10").body()).contains("token.issue").contains("token.revoke");

        CliRun again = CliRun.run(server("token", "revoke", String.valueOf(id)));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("404");
    }

    @Test
    void theLastTokenCannotBeRevokedSoSomeoneCanAlwaysSignIn() {
        long admin = api.get("/api/v1/tokens").json().get(0).path("id").asLong();
        HttpCalls.Answer last = api.delete("/api/v1/tokens/" + admin);
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.json().path("detail").asString()).contains("last one");
        assertThat(api.get("/api/v1/tokens").status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/tokens/999999").status()).isEqualTo(404);
    }

    @Test
    void aTokenNeedsAName() {
        HttpCalls.Answer nameless = api.postJson("/api/v1/tokens", Map.of("name", " "));
        assertThat(nameless.status()).isEqualTo(400);
        assertThat(nameless.json().path("errors").get(0).path("field").asString()).isEqualTo("name");
    }

    @Test
    void feedTokensAreListedWithoutTheirSecretAndARevokedFeedAnswers404() throws Exception {
        String url = api.postJson("/api/v1/schedules/backend-primary/feed", "{}").json().path("url").asString();
        String local = base() + url.substring(PUBLIC_URL.length() - 1);
        assertThat(api.withToken(null).get(local).status()).isEqualTo(200);
        String secret = url.substring(url.indexOf("token=") + 6);

        JsonNode feed = null;
        for (JsonNode f : api.get("/api/v1/feeds").json()) {
            feed = f;
        }
        assertThat(feed).isNotNull();
        assertThat(feed.path("kind").asString()).isEqualTo("schedule");
        assertThat(feed.path("subject").asString()).isEqualTo("backend-primary");
        assertThat(feed.path("path").asString()).isEqualTo("/ical/schedules/backend-primary.ics");
        assertThat(api.get("/api/v1/feeds").body()).doesNotContain(secret);
        CliRun list = CliRun.run(server("feed", "list"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(feed.path("id").asLong() + "  schedule backend-primary").doesNotContain(secret);

        CliRun revoke = CliRun.run(server("feed", "revoke", feed.path("id").asString()));
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        assertThat(revoke.out()).contains("revoked feed " + feed.path("id").asLong() + " (schedule backend-primary)");
        assertThat(api.withToken(null).get(local).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/audit?limit=5").body()).contains("feed.revoke");
    }

    @Test
    void aUiSessionEndsWhenTheTokenItSignedInWithIsRevoked() throws Exception {
        // carol's own token: a service token may no longer sign in as a person (Actors)
        JsonNode issued = api.postJson("/api/v1/tokens", Map.of("name", "carol-laptop", "person", "carol")).json();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        Matcher csrf = CSRF_FIELD.matcher(send(browser, "GET", "/login", null).body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> login = send(browser, "POST", "/login", Map.of("token", issued.path("token").asString(),
                "person", "carol", "_csrf", csrf.group(1)));
        assertThat(login.headers().firstValue("Location").orElse("")).endsWith("/ui");
        assertThat(send(browser, "GET", "/ui", null).statusCode()).isEqualTo(200);

        assertThat(api.delete("/api/v1/tokens/" + issued.path("id").asLong()).status()).isEqualTo(200);
        HttpResponse<String> after = send(browser, "GET", "/ui", null);
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location").orElse("")).endsWith("/login");
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
