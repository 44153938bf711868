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

    /**
     * Every page of every seed organisation has someone to reach: over eight weeks around each
     * daylight-saving change of 2026 (and its seed's own zone), no service's paging severity meets a
     * first level that reaches nobody or a ladder that reaches nobody within the acknowledge target.
     */
    @ParameterizedTest(name = "{0} from {1}")
    @CsvSource({
            "support-automation, 2026-03-02T00:00:00Z", "support-automation, 2026-10-05T00:00:00Z",
            "mother-harness, 2026-03-02T00:00:00Z", "mother-harness, 2026-10-05T00:00:00Z",
            "web-platform, 2026-03-02T00:00:00Z", "web-platform, 2026-10-05T00:00:00Z",
            "medicalcor, 2026-03-02T00:00:00Z", "medicalcor, 2026-10-05T00:00:00Z",
            "sankofa-phoenix, 2026-03-02T00:00:00Z", "sankofa-phoenix, 2026-10-05T00:00:00Z"})
    void everyPageOfEveryExampleHasSomeoneToReach(String example, String from) {
        CliRun r = CliRun.run("coverage", "--config", "examples/" + example, "--from", from, "--weeks", "8");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("Coverage of " + example).contains("No gap: every page of the");
    }

    @ParameterizedTest
    @CsvSource({
            "support-automation, oncall.yaml, 'layer: secondary }', 'layer: secondry }', 'unknown layer of schedule \"support-automation-oncall\" \"secondry\" (did you mean \"secondary\"?)'",
            "mother-harness, oncall.yaml, 'role: engineering-manager }', 'role: engineering-manger }', 'unknown role \"engineering-manger\" (did you mean \"engineering-manager\"?)'",
            "web-platform, oncall.yaml, 'schedule: web-oncall, layer: primary }]', 'schedule: web-oncal, layer: primary }]', 'unknown schedule \"web-oncal\" (did you mean \"web-oncall\"?)'",
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

    /** The people report's night, {@code organisation.sleep_hours}: a bad time or an empty window is a problem at its line. */
    @ParameterizedTest
    @CsvSource({
            "'{ start: \"10pm\", end: \"07:00\" }', sleep_hours.start, 'bad time of day \"10pm\"'",
            "'{ start: \"22:00\", end: \"22:00\" }', sleep_hours.end, 'sleep hours must end at another time than they start (22:00-22:00)'",
            "'{ start: \"00:00\", end: \"24:00\" }', sleep_hours.end, 'sleep hours must end at another time than they start (00:00-24:00)'"})
    void aBadSleepWindowFailsWithFileAndLine(String window, String field, String message) throws IOException {
        Path copy = tmp.resolve("night");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(Path.of("examples", "mother-harness"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path target = copy.resolve("organisation.yaml");
        String text = Files.readString(target);
        String hours = "  business_hours: { start: \"09:00\", end: \"17:00\" }\n";
        assertThat(text).contains(hours);
        Files.writeString(target, text.replace(hours, hours + "  sleep_hours: " + window + "\n"));
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        // Line 8: the line after business_hours, where the window was written.
        assertThat(r.err()).contains(target + ":8:").contains("organisation." + field + ": ").contains(message);
    }

    /**
     * Mother-Harness hands off Mondays 09:00 New York time. Names worked out by hand: both layers start
     * Monday 2026-01-05 09:00, so week k counted from then is primary[k mod 4] (ana, ben, chloe, diego)
     * and secondary[k mod 4] (chloe, diego, ana, ben). 2026-03-02 is week 8 and 03-09 week 9 (DST began
     * Sunday 03-08); 10-26 is week 42 and 11-02 week 43 (DST ended Sunday 11-01); 2027-03-15 is week 62
     * (DST began Sunday 2027-03-14). At 08:59 the previous week's person is still on.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "primary,   2026-03-02, -05:00, diego-ramos,  ana-silva",
            "secondary, 2026-03-02, -05:00, ben-carter,   chloe-nguyen",
            "primary,   2026-03-09, -04:00, ana-silva,    ben-carter",
            "secondary, 2026-03-09, -04:00, chloe-nguyen, diego-ramos",
            "primary,   2026-10-26, -04:00, ben-carter,   chloe-nguyen",
            "secondary, 2026-10-26, -04:00, diego-ramos,  ana-silva",
            "primary,   2026-11-02, -05:00, chloe-nguyen, diego-ramos",
            "secondary, 2026-11-02, -05:00, ana-silva,    ben-carter",
            "primary,   2027-03-15, -04:00, ben-carter,   chloe-nguyen",
            "secondary, 2027-03-15, -04:00, diego-ramos,  ana-silva"})
    void motherHarnessHandsOffAtNineLocalAroundDst(String layer, String monday, String offset, String outgoing, String incoming) {
        assertThat(person("mother-harness", "mother-harness-oncall", layer, monday + "T08:59:00" + offset)).isEqualTo(outgoing);
        assertThat(person("mother-harness", "mother-harness-oncall", layer, monday + "T09:00:00" + offset)).isEqualTo(incoming);
    }

    /**
     * MedicalCor's weekly rotations (one layer each) hand off Mondays 09:00 Bucharest time. Names worked
     * out by hand: every rotation starts Monday 2026-01-05 09:00, week k counted from then is
     * participant[k mod n]. Primary: andrei, cristian, bianca, daria; infrastructure: cristian, daria,
     * victor; security: ioana, irina, lucian. 2026-03-23 is week 11 and 03-30 week 12 (DST began Sunday
     * 03-29); 10-19 is week 41 and 10-26 week 42 (DST ended Sunday 10-25).
     */
    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
            "medicalcor-primary,  2026-03-23, +02:00, bianca-ionescu,   daria-stan",
            "medicalcor-primary,  2026-03-30, +03:00, daria-stan,       andrei-popa",
            "medicalcor-primary,  2026-10-19, +03:00, andrei-popa,      cristian-dumitru",
            "medicalcor-primary,  2026-10-26, +02:00, cristian-dumitru, bianca-ionescu",
            "medicalcor-infra,    2026-03-23, +02:00, daria-stan,       victor-zamfir",
            "medicalcor-infra,    2026-03-30, +03:00, victor-zamfir,    cristian-dumitru",
            "medicalcor-infra,    2026-10-19, +03:00, daria-stan,       victor-zamfir",
            "medicalcor-infra,    2026-10-26, +02:00, victor-zamfir,    cristian-dumitru",
            "medicalcor-security, 2026-03-23, +02:00, irina-vasile,     lucian-barbu",
            "medicalcor-security, 2026-03-30, +03:00, lucian-barbu,     ioana-radu",
            "medicalcor-security, 2026-10-19, +03:00, irina-vasile,     lucian-barbu",
            "medicalcor-security, 2026-10-26, +02:00, lucian-barbu,     ioana-radu"})
    void medicalcorHandsOffAtNineBucharestAroundDst(String schedule, String monday, String offset, String outgoing, String incoming) {
        assertThat(person("medicalcor", schedule, "primary", monday + "T08:59:00" + offset)).isEqualTo(outgoing);
        assertThat(person("medicalcor", schedule, "primary", monday + "T09:00:00" + offset)).isEqualTo(incoming);
    }

    @Test
    void medicalcorBackendOnCallCoversBusinessHoursOnly() {
        // Nobody on Sunday at 03:00, the night DST began.
        CliRun r = CliRun.run("oncall", "--config", "examples/medicalcor", "--schedule", "medicalcor-backend",
                "--at", "2026-03-29T03:00:00+03:00", "--json");
        assertThat(Json.MAPPER.readTree(r.out()).path("layers").get(0).path("person").isNull()).isTrue();
    }

    static String person(String example, String schedule, String layer, String at) {
        CliRun r = CliRun.run("oncall", "--config", "examples/" + example, "--schedule", schedule, "--layer", layer, "--at", at, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = Json.MAPPER.readTree(r.out());
        return doc.path("layers").get(0).path("person").asString();
    }
}
