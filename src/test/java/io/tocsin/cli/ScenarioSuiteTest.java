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

    /**
     * The kill switches in {@code simulate --json}: each change is a {@code SWITCH_CHANGED} entry of the open
     * incident, and the DLQ replayer's webhook carries what the switches did to it (the dispatcher's rule),
     * while the people paged at the same moment carry nothing.
     */
    @Test
    void jsonOutputSaysWhatTheKillSwitchesDidToEachAutomatedAction() {
        CliRun run = CliRun.run("simulate", "--config", "examples/support-automation", "--scenario",
                "examples/support-automation/scenarios/kill-switches.yaml", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        var doc = Json.MAPPER.readTree(run.out());
        var switched = new ArrayList<String>();
        doc.path("timeline").forEach(e -> {
            if (e.path("kind").asString().equals("SWITCH_CHANGED")) {
                switched.add(e.path("offset_minutes").asLong() + ": " + e.path("text").asString());
            }
        });
        assertThat(switched).containsExactly("5: switched safe_mode on (organisation-wide, by maya-okafor via scenario)",
                "12: switched automation off (organisation-wide, by maya-okafor via scenario)",
                "200: switched safe_mode off (organisation-wide, by maya-okafor via scenario)");
        var effects = new ArrayList<String>();
        doc.path("messages").forEach(m -> {
            if (m.path("kind").asString().equals("PAGE")) {
                String effect = m.path("kill_switches").isMissingNode() ? "-" : m.path("kill_switches").get(0).path("contact_method").asString()
                        + " " + m.path("kill_switches").get(0).path("effect").asString();
                effects.add(m.path("offset_minutes").asLong() + " " + m.path("recipient").asString() + " " + effect);
            }
        });
        assertThat(effects).contains("0 vendor:dlq-replayer -", "90 vendor:dlq-replayer replay SUPPRESS", "90 tom-reyes -",
                "90 maya-okafor -", "180 vendor:dlq-replayer replay SAFE_MODE");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{ by: nobody, automation: \"off\" } | events[1].switch.by: no person \"nobody\" in the organisation",
            "{ by: maya-okafor, automation: maybe } | events[1].switch.automation: on or off, got \"maybe\"",
            "{ by: maya-okafor } | events[1].switch: name automation or safe_mode, on or off"})
    void aBadSwitchIsAClearError(String action, String message, @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "name: x\nstart: \"2026-01-01T00:00:00Z\"\nevents:\n"
                + "  - { at: 0m, alert: { service: routing, severity: SEV-1 } }\n  - { at: 5m, switch: " + action + " }\n");
        CliRun run = CliRun.run("simulate", "--config", "examples/support-automation", "--scenario", bad.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(message);
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
