package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scenario under examples/{org}/scenarios replays, through {@code tocsin simulate}, to exactly
 * the timeline kept beside it ({@code .timeline.txt}), which a reviewer can read against the seed.
 */
class ScenarioSuiteTest {
    static Stream<Path> scenarios() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> orgs = Files.list(Path.of("examples"))) {
            for (Path org : orgs.filter(Files::isDirectory).sorted().toList()) {
                Path dir = org.resolve("scenarios");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(out::add);
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theScenarioReplaysToItsExpectedTimeline(Path scenario) throws IOException {
        Path org = scenario.getParent().getParent();
        Path expected = Path.of(scenario.toString().replaceAll("\\.yaml$", ".timeline.txt"));
        assertThat(expected).as("expected timeline beside " + scenario).exists();
        CliRun run = CliRun.run("simulate", "--config", org.toString(), "--scenario", scenario.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(expected));
    }

    @Test
    void everyExampleHasScenariosIncludingSundayAtThree() throws IOException {
        for (String org : List.of("support-automation", "mother-harness", "web-platform", "medicalcor", "sankofa-phoenix")) {
            Path dir = Path.of("examples", org, "scenarios");
            assertThat(dir.resolve("sunday-0300.yaml")).as(org).exists();
        }
    }

    @Test
    void jsonOutputCarriesWhoWhenAndWhy() {
        CliRun run = CliRun.run("simulate", "--config", "examples/medicalcor", "--scenario", "examples/medicalcor/scenarios/p1-ladder.yaml", "--json");
        assertThat(run.exitCode()).isZero();
        var doc = Json.MAPPER.readTree(run.out());
        assertThat(doc.path("time_zone").asString()).isEqualTo("Europe/Bucharest");
        var notified = new ArrayList<String>();
        doc.path("timeline").forEach(e -> {
            if (e.path("kind").asString().equals("NOTIFIED")) {
                notified.add(e.path("offset_minutes").asLong() + ":" + e.path("level").asString() + ":" + e.path("people").get(0).asString());
            }
        });
        assertThat(notified).containsExactly("0:on-call:bianca-ionescu", "15:eng-manager:elena-marin", "30:vp-engineering:florin-tudor",
                "60:cto:gabriela-matei", "120:ceo:horia-nistor");
    }

    @Test
    void aBadScenarioIsAClearError(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "name: x\nstart: \"2026-01-01T00:00:00Z\"\nevents:\n  - { at: 5m, alert: { service: nope, severity: P1 } }\n");
        CliRun run = CliRun.run("simulate", "--config", "examples/medicalcor", "--scenario", bad.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("events[0].alert.service: unknown service \"nope\"");
    }
}
