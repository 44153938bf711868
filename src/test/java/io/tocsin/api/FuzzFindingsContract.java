package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * What the fuzz tests (the *FuzzTest classes, docs/operations.md "Fuzzing") found, sent over real
 * HTTP: each was a 500 and is now a 4xx naming the field, with nothing written. The inputs are also
 * kept in the fuzz tests' corpus (found-* files), so the parsers are held to it in every build.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + FuzzFindingsContract.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/acme",
        "tocsin.admin-token-file=target/test-admin-token-fuzz-findings"})
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
abstract class FuzzFindingsContract {
    static final String TOKEN = "fuzz-findings-token-0123456789";
    private static final String SCENARIO = """
            name: night
            start: "2026-03-29T03:00:00+03:00"
            run_for: 3h
            events:
              - { at: 0m, alert: { service: api, severity: P1, summary: down } }
              - { at: 20m, acknowledge: alice }
            """;

    @LocalServerPort
    int port;

    HttpCalls api;

    @BeforeEach
    void setUp() {
        api = new HttpCalls("http://localhost:" + port, TOKEN);
    }

    /** A duration too large for java.time (ArithmeticException inside Duration.plusDays) in a scenario. */
    @Test
    void aScenarioDurationBeyondJavaTimeIsRefusedNamingIt() {
        assertThat(api.post("/api/v1/simulate", "application/yaml", SCENARIO).status()).isEqualTo(200);
        Answer runFor = api.post("/api/v1/simulate", "application/yaml", SCENARIO.replace("run_for: 3h", "run_for: 999999999999999d"));
        assertRefused(runFor, "scenario", "run_for");
        Answer at = api.post("/api/v1/simulate", "application/yaml", SCENARIO.replace("at: 20m", "at: 99999999999999999w"));
        assertRefused(at, "scenario", "events[1].at");
    }

    /** A start ISO-8601 allows (the year 999999999) from which the run's end overflows java.time (DateTimeException). */
    @Test
    void aScenarioStartAtTheEndOfTimeIsRefusedNamingIt() {
        Answer a = api.postJson("/api/v1/simulate", Map.of("scenario",
                SCENARIO.replace("2026-03-29T03:00:00+03:00", "+999999999-12-31T23:59:59Z")));
        assertRefused(a, "scenario", "start");
    }

    /**
     * Found by ScenarioFuzzTest: YAML's {@code .inf} where text is expected was refused in Java's words
     * ("(java.lang.NumberFormatException) illegal syntax"); now in the writer's.
     */
    @Test
    void aNumberYamlCannotReadIsRefusedInPlainWords() {
        Answer a = api.post("/api/v1/simulate", "application/yaml", SCENARIO.replace("run_for: 3h", "run_for: .inf"));
        assertRefused(a, "scenario", "run_for: a number that cannot be read");
        assertThat(a.body()).doesNotContain("java.", "Exception");
    }

    /** The same durations in a configuration: a 422 naming the key, not a 500, and the running configuration kept. */
    @Test
    void aConfigurationDurationBeyondJavaTimeIsRefusedNamingIt() throws Exception {
        long before = api.get("/api/v1/config/active").json().path("version").asLong();
        for (String[] edit : new String[][] {
                {"acknowledgement_timeout: 2h", "acknowledgement_timeout: 99999999999999999w", "acknowledgement_timeout"},
                {"within: 2bd", "within: 99999999999bd", "postmortem.within"}}) {
            List<Map<String, String>> files = new ArrayList<>();
            boolean edited = false;
            for (Map<String, String> f : ApiContract.files("src/test/resources/orgs/acme")) {
                edited |= f.get("text").contains(edit[0]);
                files.add(Map.of("name", f.get("name"), "text", f.get("text").replace(edit[0], edit[1])));
            }
            assertThat(edited).as(edit[0]).isTrue();
            Answer refused = api.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            List<String> problems = new ArrayList<>();
            for (JsonNode p : refused.json().path("errors")) {
                problems.add(p.path("path").asString() + ": " + p.path("message").asString());
            }
            assertThat(problems).anySatisfy(p -> assertThat(p).contains(edit[2]).contains("too long: at most 100 years"));
        }
        assertThat(api.get("/api/v1/config/active").json().path("version").asLong()).isEqualTo(before);
    }

    /**
     * Found by ConfigFuzzTest: a layer without its id, and a reference to a misspelt layer of that
     * schedule, made "did you mean" compare against the missing id (NullPointerException, a 500).
     */
    @Test
    void aMisspeltReferenceNextToAnEntryWithoutItsIdIsRefusedNamingBoth() throws Exception {
        List<Map<String, String>> files = new ArrayList<>();
        for (Map<String, String> f : ApiContract.files("src/test/resources/orgs/acme")) {
            files.add(Map.of("name", f.get("name"), "text", f.get("text")
                    .replace("      - id: business-hours\n", "      - name: business-hours\n")
                    .replace("- { schedule: backend-primary, layer: secondary }", "- { schedule: backend-primary, layer: secondery }")));
        }
        Answer refused = api.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("secondery").contains("did you mean \\\"secondary\\\"");
    }

    private static void assertRefused(Answer a, String field, String says) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.json().path("errors").get(0).path("field").asString()).isEqualTo(field);
        assertThat(a.json().path("errors").get(0).path("message").asString()).contains(says);
    }
}
