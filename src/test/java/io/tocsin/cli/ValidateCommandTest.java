package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    static final Path ACME = Path.of("src/test/resources/orgs/acme");

    @TempDir
    Path tmp;

    @Test
    void aValidOrganisationExitsZero() {
        CliRun r = CliRun.run("validate", ACME.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("valid: organisation acme");
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileLineAndColumn() throws IOException {
        Path copy = copy(ACME);
        edit(copy.resolve("escalation.yaml"), "- { schedule: backend-primary, layer: secondary }",
                "- { schedule: backend-primry, layer: secondary }");
        edit(copy.resolve("schedules.yaml"), "shift: 1d", "shift: 1x");
        edit(copy.resolve("schedules.yaml"), "participants: [dan]", "participants: []");
        edit(copy.resolve("schedules.yaml"), "    name: Backend on-call", "    name: Backend on-call\n    time_zone: Europe/Bucharestt\n    colour: blue");
        edit(copy.resolve("people.yaml"), "  - id: dan", "  - id: carol");
        edit(copy.resolve("organisation.yaml"), "acknowledge: 5m", "acknowledge: 5 minutes");
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        String e = r.err();
        String esc = copy.resolve("escalation.yaml").toString();
        String sch = copy.resolve("schedules.yaml").toString();
        assertThat(e).contains(esc + ":14:19: escalation_policies[0].paths[0].levels[1].notify[0].schedule: unknown schedule \"backend-primry\" (did you mean \"backend-primary\"?)");
        assertThat(e).containsPattern(sch.replace(".", "\\.") + ":\\d+:\\d+: schedules\\[0\\]\\.colour: unknown key \"colour\"");
        assertThat(e).containsPattern("schedules\\[0\\]\\.time_zone: .*Europe/Bucharestt");
        assertThat(e).contains("schedules[0].layers[2].shift");
        assertThat(e).contains("schedules[0].layers[2].participants");
        assertThat(e).contains("people[3].id: duplicate person id \"carol\"");
        assertThat(e).contains("severities[0].targets.acknowledge");
        assertThat(e).contains("roles[0].held_by[0]: unknown person \"dan\"");
        assertThat(e.lines().filter(l -> l.matches(".+:\\d+:\\d+: .+: .+")).count()).isGreaterThanOrEqualTo(8);
        assertThat(e).contains("problem(s)");
    }

    /** Access roles name people of the organisation; admins are organisation-wide only; a schedule's team exists. */
    @Test
    void accessRolesNamePeopleAndTeamsAndAdminsAreOrganisationWide() throws IOException {
        Path copy = copy(Path.of("src/test/resources/orgs/roles"));
        assertThat(CliRun.run("validate", copy.toString()).exitCode()).isZero();
        edit(copy.resolve("people.yaml"), "  admins: [alice]", "  admins: [alicia]");
        edit(copy.resolve("people.yaml"), "      responders: [erin]", "      responders: [erin]\n      admins: [erin]");
        edit(copy.resolve("schedules.yaml"), "    team: payments", "    team: paymnets");
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        String people = copy.resolve("people.yaml").toString();
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(people) + ":\\d+:\\d+: access\\.admins\\[0\\]: unknown person \"alicia\" \\(did you mean \"alice\"\\?\\)");
        assertThat(r.err()).containsPattern(java.util.regex.Pattern.quote(people) + ":\\d+:\\d+: teams\\[1\\]\\.access\\.admins: unknown key \"admins\"");
        assertThat(r.err()).contains("schedules[1].team: unknown team \"paymnets\" (did you mean \"payments\"?)");
    }

    static final String LATER_PRIMARY = """
                  - id: primary
                    effective_from: 2026-04-01T12:00:00+03:00
                    participants: [dan, bob, carol]
                    shift: 1w
                    handoff: { day: mon, time: "09:00" }
                    start: 2026-01-05
                  - id: secondary
            """;

    @Test
    void aLayerRedefinedFromAnInstantAnswersWithTheOldDefinitionBeforeItAndTheNewOneFrom() throws IOException {
        Path copy = copy(ACME);
        edit(copy.resolve("schedules.yaml"), "      - id: secondary\n", LATER_PRIMARY);
        CliRun valid = CliRun.run("validate", copy.toString());
        assertThat(valid.exitCode()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("valid: organisation acme");

        // Alice's week (from Monday 2026-03-30 09:00) is cut on Wednesday at noon, not before.
        assertThat(CliRun.run("oncall", "--config", copy.toString(), "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-04-01T11:59:59+03:00").out()).containsPattern("primary\\s+alice ");
        assertThat(CliRun.run("oncall", "--config", copy.toString(), "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-04-01T12:00:00+03:00").out()).containsPattern("primary\\s+dan ");
        // From then on the new rotation runs as written: bob from the next Monday hand-off.
        assertThat(CliRun.run("oncall", "--config", copy.toString(), "--schedule", "backend-primary", "--layer", "primary",
                "--at", "2026-04-06T09:00:00+03:00").out()).containsPattern("primary\\s+bob ");
        // One layer still, in its first place: secondary is still second.
        CliRun all = CliRun.run("oncall", "--config", copy.toString(), "--schedule", "backend-primary", "--at", "2026-03-29T12:00:00+03:00");
        assertThat(all.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.trim().split("\\s+")[0]).toList())
                .containsExactly("primary", "secondary", "business-hours");
        CliRun shifts = CliRun.run("shifts", "--config", copy.toString(), "--schedule", "backend-primary", "--layer", "primary",
                "--from", "2026-03-30", "--to", "2026-04-07");
        assertThat(shifts.out()).contains("Mon 2026-03-30 09:00 +03:00  Wed 2026-04-01 12:00 +03:00  alice")
                .contains("Wed 2026-04-01 12:00 +03:00  Mon 2026-04-06 09:00 +03:00  dan");
    }

    @Test
    void aRepeatedLayerIdNeedsAnEffectiveFromLaterThanTheDefinitionBeforeIt() throws IOException {
        Path copy = copy(ACME);
        Files.writeString(copy.resolve("schedules.yaml"), """
                schedules:
                  - id: backend-primary
                    name: Backend on-call
                    layers:
                      - id: primary
                        participants: [alice, bob, carol]
                        shift: 1w
                        handoff: { day: mon, time: "09:00" }
                        start: 2026-01-05
                      - id: primary
                        participants: [dan]
                        shift: 1w
                        handoff: { day: mon, time: "09:00" }
                        start: 2026-01-05
                      - id: primary
                        effective_from: 2026-05-01T09:00:00+03:00
                        participants: [bob, carol, alice]
                        shift: 1w
                        handoff: { day: mon, time: "09:00" }
                        start: 2026-01-05
                      - id: primary
                        effective_from: 2026-04-01T09:00:00+03:00
                        participants: [carol]
                        shift: 1w
                        handoff: { day: mon, time: "09:00" }
                        start: 2026-01-05
                      - id: secondary
                        effective_from: next tuesday
                        participants: [bob, carol, alice]
                        shift: 1w
                        handoff: { day: mon, time: "09:00" }
                        start: 2026-01-05
                      - id: business-hours
                        participants: [dan]
                        shift: 1d
                        handoff: { time: "09:00" }
                        start: 2026-01-05
                """);
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        String sch = copy.resolve("schedules.yaml").toString();
        assertThat(r.err()).contains(sch + ":10:9: schedules[0].layers[1].id: duplicate layer id \"primary\" in schedule "
                        + "\"backend-primary\" (a later definition of a layer needs effective_from: the instant it takes over)")
                .contains(sch + ":22:9: schedules[0].layers[3].effective_from: must be after 2026-05-01T09:00+03:00, when the "
                        + "previous definition of layer \"primary\" takes effect")
                .contains(sch + ":28:9: schedules[0].layers[4].effective_from: bad instant \"next tuesday\"");
    }

    @Test
    void cyclesBetweenPathsAndBadReferencesInTriggersAreErrors() throws IOException {
        Path copy = copy(ACME);
        edit(copy.resolve("escalation.yaml"), "    paths:\n", """
                    paths:
                      - id: security
                        levels:
                          - id: sec
                            notify: [{ role: engineering-manager }]
                        triggers:
                          - on: { tag_added: resolved-security }
                            do: { switch_path: technical }
                """);
        edit(copy.resolve("escalation.yaml"), "services:", """
                    triggers:
                      - on: { tag_added: security }
                        do: { switch_path: security }
                      - on: { severity_raised: true }
                        do: { go_to_level: managr }
                services:""");
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        assertThat(r.err()).contains("escalation paths form a cycle");
        assertThat(r.err()).contains("go_to_level: unknown level \"managr\" (did you mean \"manager\"?)");
    }

    @Test
    void syntaxErrorsAndMissingFilesAreReportedNotThrown() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "organisation:\n  id: x\n  name: [unclosed\n");
        CliRun r = CliRun.run("validate", bad.toString(), tmp.resolve("missing.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("missing.yaml:1:1: (files): no such file or directory");
        CliRun syntax = CliRun.run("validate", bad.toString());
        assertThat(syntax.exitCode()).isEqualTo(1);
        assertThat(syntax.err()).containsPattern("bad\\.yaml:\\d+:\\d+: \\(syntax\\): not valid YAML");
    }

    @Test
    void duplicateKeysAreErrors() throws IOException {
        Path copy = copy(ACME);
        edit(copy.resolve("organisation.yaml"), "  name: Acme Test Org\n", "  name: Acme Test Org\n  name: Acme Again\n");
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("organisation.yaml:4:3: organisation.name: duplicate key \"name\"");
    }

    @Test
    void brokenTemplatesAndUnknownVariablesAreReportedInsideTheTemplateWithASuggestion() throws IOException {
        Path copy = copy(ACME);
        Path file = copy.resolve("notifications.yaml");
        Files.writeString(file, """
                notifications:
                  sensitive_fields: [email, customer_id, Customer-ID]
                  templates:
                    page:
                      subject: "[{{sevrity}}] {{summary}}"
                      text: |
                        {{incident}} on {{service}}
                        {{#details}}{{key}}: {{value}}
                    notice:
                      sms: { subject: "{{incident}} {{status}}", text: "x" }
                    digest:
                      subject: "x"
                """);
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        String e = r.err();
        assertThat(e).contains(file + ":5:18: notifications.templates.page.subject: template line 1, column 2: "
                + "unknown variable \"sevrity\" (did you mean \"severity\"?)");
        assertThat(e).contains(file + ":8:9: notifications.templates.page.text: template line 2, column 1: "
                + "section \"details\" is never closed (add {{/details}})");
        assertThat(e).containsPattern(java.util.regex.Pattern.quote(file.toString())
                + ":10:\\d+: notifications\\.templates\\.notice\\.sms\\.text: unknown key \"text\"");
        assertThat(e).containsPattern(java.util.regex.Pattern.quote(file.toString())
                + ":11:\\d+: notifications\\.templates\\.digest: unknown key \"digest\"");
        assertThat(e).contains(file + ":2:");
        assertThat(e).contains("notifications.sensitive_fields[2]: \"Customer-ID\" is the same field as \"customer_id\"");
    }

    @Test
    void templatesMaySitInAnyFileAndAValidOneValidates() throws IOException {
        Path copy = copy(ACME);
        Files.writeString(copy.resolve("notifications.yaml"), """
                notifications:
                  sensitive_fields: [email, phone, customer_id]
                  templates:
                    page:
                      subject: "[{{severity}}] {{service}}: {{summary}} ({{incident}})"
                      html: |
                        <p>{{summary}}</p>
                        <ul>{{#details}}<li>{{key}}: {{value}}</li>{{/details}}</ul>
                      sms: { subject: "{{incident}} {{severity}} {{summary}}" }
                    test:
                      subject: "Test for {{person}}"
                """);
        CliRun r = CliRun.run("validate", copy.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    Path copy(Path dir) throws IOException {
        Path target = tmp.resolve("org");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as("fixture " + file + " contains " + from).contains(from);
        Files.writeString(file, text.replace(from, to));
    }
}
