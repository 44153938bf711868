package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The five seed organisations under examples/, through the real command line. */
class ExamplesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"support-automation", "mother-harness", "web-platform", "medicalcor", "sankofa-phoenix"})
    void everyExampleValidates(String example) {
        CliRun r = CliRun.run("validate", "examples/" + example);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("valid: organisation " + example);
    }

    @ParameterizedTest
    @CsvSource({
            "support-automation, oncall.yaml, 'layer: secondary }', 'layer: secondry }', 'unknown layer of schedule \"support-automation-oncall\" \"secondry\" (did you mean \"secondary\"?)'",
            "mother-harness, oncall.yaml, 'role: engineering-manager }', 'role: engineering-manger }', 'unknown role \"engineering-manger\" (did you mean \"engineering-manager\"?)'",
            "web-platform, oncall.yaml, 'schedule: web-oncall }', 'schedule: web-oncal }', 'unknown schedule \"web-oncal\" (did you mean \"web-oncall\"?)'",
            "medicalcor, schedules.yaml, 'time: \"09:00\" }, start: 2026-01-05 }', 'time: \"9am\" }, start: 2026-01-05 }', 'bad time of day \"9am\"'",
            "sankofa-phoenix, escalation.yaml, 'switch_path: security-breach', 'switch_path: security-breech', 'unknown path \"security-breech\" (did you mean \"security-breach\"?)'"})
    void aBrokenCopyOfEveryExampleFailsWithFileAndLine(String example, String file, String from, String to, String message) throws IOException {
        Path copy = tmp.resolve(example);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(Path.of("examples", example))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path target = copy.resolve(file);
        String text = Files.readString(target);
        assertThat(text).contains(from);
        Files.writeString(target, text.replace(from, to));
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(target.toString()) + ":\\d+:\\d+: [a-z_\\[\\]0-9.]+: ")
                .contains(message);
    }

    /** Mother-Harness hands off Mondays 09:00 New York time, including the Mondays after both 2026 DST changes. */
    @ParameterizedTest
    @CsvSource({
            "2026-03-09T08:59:00-04:00, ana-silva, 2026-03-09T09:00:00-04:00, ben-carter",
            "2026-11-02T08:59:00-05:00, chloe-nguyen, 2026-11-02T09:00:00-05:00, diego-ramos",
            "2027-03-15T08:59:00-04:00, ben-carter, 2027-03-15T09:00:00-04:00, chloe-nguyen"})
    void motherHarnessHandsOffAtNineLocalAroundDst(String before, String outgoing, String at, String incoming) {
        assertThat(person("mother-harness", "mother-harness-oncall", before)).isEqualTo(outgoing);
        assertThat(person("mother-harness", "mother-harness-oncall", at)).isEqualTo(incoming);
    }

    @Test
    void medicalcorHandsOffAtNineBucharestAroundDst() {
        assertThat(person("medicalcor", "medicalcor-primary", "2026-03-30T08:59:00+03:00"))
                .isNotEqualTo(person("medicalcor", "medicalcor-primary", "2026-03-30T09:00:00+03:00"));
        assertThat(person("medicalcor", "medicalcor-primary", "2026-10-26T08:59:00+02:00"))
                .isNotEqualTo(person("medicalcor", "medicalcor-primary", "2026-10-26T09:00:00+02:00"));
        // Backend on-call covers business hours only: nobody on Sunday at 03:00.
        CliRun r = CliRun.run("oncall", "--config", "examples/medicalcor", "--schedule", "medicalcor-backend",
                "--at", "2026-03-29T03:00:00+03:00", "--json");
        assertThat(Json.MAPPER.readTree(r.out()).path("layers").get(0).path("person").isNull()).isTrue();
    }

    static String person(String example, String schedule, String at) {
        CliRun r = CliRun.run("oncall", "--config", "examples/" + example, "--schedule", schedule, "--layer", "primary", "--at", at, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = Json.MAPPER.readTree(r.out());
        return doc.path("layers").get(0).path("person").asString();
    }
}
