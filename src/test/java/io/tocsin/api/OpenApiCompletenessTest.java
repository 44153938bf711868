package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The API's description is complete and right: every route Spring serves from Tocsin's controllers
 * (read from the handler mapping itself, so a new controller cannot be forgotten) is in the document
 * fetched over HTTP, with its method, exactly its path parameters, its query parameters and its request
 * body; the document
 * names no route that does not exist; routes open without a token are documented as open, and the
 * document is readable without a token while the API is not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + OpenApiCompletenessTest.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OpenApiCompletenessTest {
    static final String TOKEN = "openapi-test-token-0123456789";
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)(?::[^}]*)?}");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** One route as Spring serves it: method, path as OpenAPI writes it, its variables and query parameters, whether it reads a JSON body. */
    record Route(String method, String path, Set<String> variables, Set<String> query, boolean body) {
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getName().startsWith("io.tocsin.")) {
                continue; // Spring's error controller and springdoc's own endpoints
            }
            RequestMappingInfo info = e.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            assertThat(methods).as("%s answers every method; give it one", e.getValue()).isNotEmpty();
            boolean body = false;
            Set<String> query = new TreeSet<>();
            for (MethodParameter p : e.getValue().getMethodParameters()) {
                body |= p.hasParameterAnnotation(RequestBody.class);
                RequestParam q = p.getParameterAnnotation(RequestParam.class);
                if (q != null && !Map.class.isAssignableFrom(p.getParameterType())) {
                    p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
                    query.add(!q.name().isEmpty() ? q.name() : !q.value().isEmpty() ? q.value() : p.getParameterName());
                }
            }
            for (String pattern : info.getPatternValues()) {
                Set<String> variables = new TreeSet<>();
                Matcher m = VARIABLE.matcher(pattern);
                while (m.find()) {
                    variables.add(m.group(1));
                }
                String path = VARIABLE.matcher(pattern).replaceAll("{$1}");
                for (RequestMethod method : methods) {
                    routes.add(new Route(method.name().toLowerCase(Locale.ROOT), path, variables, query, body));
                }
            }
        }
        return routes;
    }

    static JsonNode document;

    JsonNode document() throws Exception {
        if (document == null) {
            // no token: reading the description is open on purpose (ApiSecurity.DOCS)
            HttpCalls.Answer answer = new HttpCalls("http://localhost:" + port, null).get("/api/openapi.json");
            assertThat(answer.status()).isEqualTo(200);
            document = answer.json();
            // kept for reading, as a client generator would get it
            java.nio.file.Files.writeString(java.nio.file.Path.of("target/openapi.json"), answer.body());
        }
        return document;
    }

    @Test
    void everyRouteIsDocumentedWithItsMethodPathParametersAndBody() throws Exception {
        JsonNode paths = document().path("paths");
        List<Route> routes = routes();
        assertThat(routes).hasSizeGreaterThan(80);
        List<String> wrong = new ArrayList<>();
        for (Route r : routes) {
            JsonNode op = paths.path(r.path()).path(r.method());
            if (op.isMissingNode()) {
                wrong.add(r.method().toUpperCase(Locale.ROOT) + " " + r.path() + ": missing");
                continue;
            }
            Set<String> documented = new TreeSet<>();
            for (JsonNode p : op.path("parameters")) {
                if ("path".equals(p.path("in").asString())) {
                    documented.add(p.path("name").asString());
                    if (!p.path("required").asBoolean()) {
                        wrong.add(r.method() + " " + r.path() + ": path parameter " + p.path("name").asString() + " not required");
                    }
                }
            }
            if (!documented.equals(r.variables())) {
                wrong.add(r.method() + " " + r.path() + ": path parameters " + documented + ", route has " + r.variables());
            }
            Set<String> documentedQuery = new TreeSet<>();
            for (JsonNode p : op.path("parameters")) {
                if ("query".equals(p.path("in").asString())) {
                    documentedQuery.add(p.path("name").asString());
                }
            }
            if (!documentedQuery.containsAll(r.query())) {
                wrong.add(r.method() + " " + r.path() + ": query parameters " + documentedQuery + ", route reads " + r.query());
            }
            if (r.body() && op.path("requestBody").isMissingNode()) {
                wrong.add(r.method() + " " + r.path() + ": request body not documented");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void theDocumentNamesNoRouteThatDoesNotExist() throws Exception {
        Set<String> served = new TreeSet<>();
        routes().forEach(r -> served.add(r.method() + " " + r.path()));
        List<String> extra = new ArrayList<>();
        document().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (Set.of("get", "put", "post", "delete", "patch").contains(op.getKey()) && !served.contains(op.getKey() + " " + path.getKey())) {
                extra.add(op.getKey() + " " + path.getKey());
            }
        }));
        assertThat(extra).isEmpty();
    }

    @Test
    void itIsOpenApi31WithTheTokenSchemeProblemsAndOpenRoutesMarked() throws Exception {
        JsonNode doc = document();
        assertThat(doc.path("openapi").asString()).startsWith("3.1");
        assertThat(doc.path("components").path("securitySchemes").path("apiToken").path("scheme").asString()).isEqualTo("bearer");
        assertThat(doc.path("security").get(0).has("apiToken")).isTrue();
        JsonNode paths = doc.path("paths");
        // ingest: the integration key, never the API token
        for (String ingest : List.of("/v2/enqueue", "/v2/change/enqueue", "/api/v1/events", "/api/v1/integrations/alertmanager/{key}")) {
            JsonNode op = paths.path(ingest).path("post");
            assertThat(op.path("security").isArray() && op.path("security").isEmpty()).as(ingest).isTrue();
            assertThat(op.path("description").asString()).as(ingest).contains("integration key");
            assertThat(op.path("requestBody").path("content").has("application/json")).as(ingest).isTrue();
        }
        // a route that takes a token inherits the document's requirement and says what a refusal looks like
        JsonNode swap = paths.path("/api/v1/schedules/{id}/swaps").path("post");
        assertThat(swap.has("security")).isFalse();
        assertThat(swap.path("responses").path("400").path("content").path("application/problem+json").path("schema").path("$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(swap.path("responses").has("401")).isTrue();
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("errors")).isTrue();
        // request bodies are described in the names the API reads (snake_case)
        JsonNode update = doc.path("components").path("schemas").path("UpdateBody").path("properties");
        assertThat(update.has("next_update")).as(update.toString()).isTrue();
        // the browser's pages sign in with their session
        assertThat(paths.path("/ui/incidents/{id}").path("get").path("security").get(0).has("browserSession")).isTrue();
    }

    @Test
    void theDescriptionAndItsPageAreOpenWhileTheApiIsNot() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
                .doesNotContain("'unsafe-eval'");
        HttpCalls anonymous = new HttpCalls("http://localhost:" + port, null);
        assertThat(anonymous.get("/api/openapi.json.yaml").body()).contains("openapi: 3.1");
        assertThat(anonymous.get("/api/v1/incidents").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/config/versions").status()).isEqualTo(401);
    }

    /** Swagger UI runs under the page's own policy: it draws the operations and the console shows nothing refused. */
    @Test
    void theInteractivePageDrawsTheOperationsUnderItsContentSecurityPolicy() throws Exception {
        try (io.tocsin.testing.HeadlessChromium chromium = io.tocsin.testing.HeadlessChromium.start()) {
            org.openqa.selenium.chrome.ChromeDriver browser = chromium.driver();
            browser.get("http://localhost:" + port + "/api/docs");
            new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30)).until(
                    d -> d.findElements(org.openqa.selenium.By.cssSelector(".opblock")).size() > 50);
            assertThat(browser.findElement(org.openqa.selenium.By.cssSelector(".info .title")).getText()).contains("Tocsin API");
            java.nio.file.Files.copy(browser.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(),
                    java.nio.file.Path.of("target/api-docs.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> console = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
            assertThat(console).noneMatch(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"));
        }
    }
}
