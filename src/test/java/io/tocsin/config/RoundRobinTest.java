package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.Opening;
import io.tocsin.engine.Outcome;
import io.tocsin.engine.TimelineEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A level targeting a team with {@code members: round_robin}, through the real directory and engine:
 * each new incident pages one member, the next incident the next member.
 */
class RoundRobinTest {
    static final Instant T0 = Instant.parse("2026-04-14T11:00:00Z");

    @TempDir
    Path tmp;

    /** MedicalCor's backend team (andrei-popa, bianca-ionescu, ovidiu-pavel) taking pages in turn. */
    Organisation medicalcorWithRoundRobinPolicy() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples", "medicalcor"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
        }
        Files.writeString(tmp.resolve("zz-round-robin.yaml"), """
                escalation_policies:
                  - id: backend-turns
                    name: Backend takes turns
                    default_path: turns
                    paths:
                      - id: turns
                        name: One backend engineer per incident
                        levels:
                          - { id: next-member, start: { after: 0m }, notify: [{ team: backend, members: round_robin }] }
                services:
                  - { id: turns-api, name: API taking turns, team: backend, escalation_policy: backend-turns }
                """);
        LoadedConfig loaded = ConfigLoader.load(List.of(tmp));
        assertThat(loaded.problems()).isEmpty();
        return loaded.organisation().orElseThrow();
    }

    List<String> paged(EscalationEngine engine, String incident) {
        Outcome o = engine.open(incident, Opening.paging("turns-api", "P3", Set.of()), T0);
        List<String> people = new ArrayList<>();
        o.entries().stream().filter(e -> e.kind() == TimelineEntry.Kind.NOTIFIED).forEach(e -> people.addAll(e.people()));
        return people;
    }

    @Test
    void successiveIncidentsPageSuccessiveMembersOfTheTeam() throws IOException {
        Organisation org = medicalcorWithRoundRobinPolicy();
        EscalationEngine engine = EngineModel.engine(org);
        List<String> first = new ArrayList<>();
        // INC-9 to INC-10 crosses a digit boundary, where a hash of the id would jump.
        for (int n = 1; n <= 12; n++) {
            List<String> people = paged(engine, "INC-" + n);
            assertThat(people).as("INC-%d pages exactly one member", n).hasSize(1);
            first.add(people.get(0));
        }
        assertThat(first).containsExactly(
                "andrei-popa", "bianca-ionescu", "ovidiu-pavel",
                "andrei-popa", "bianca-ionescu", "ovidiu-pavel",
                "andrei-popa", "bianca-ionescu", "ovidiu-pavel",
                "andrei-popa", "bianca-ionescu", "ovidiu-pavel");
    }

    @Test
    void theSameIncidentAlwaysResolvesToTheSameMember() throws IOException {
        Organisation org = medicalcorWithRoundRobinPolicy();
        EscalationEngine engine = EngineModel.engine(org);
        // A retried step or another node must page the person already chosen, not the next one.
        assertThat(paged(engine, "INC-1000000000000000000007")).isEqualTo(paged(engine, "INC-1000000000000000000007"))
                .containsExactly("bianca-ionescu");
    }

    @Test
    void turnCountsFromTheFirstMemberAndWrapsAround() {
        assertThat(OrganisationDirectory.turn("INC-1", 3)).isZero();
        assertThat(OrganisationDirectory.turn("INC-3", 3)).isEqualTo(2);
        assertThat(OrganisationDirectory.turn("INC-4", 3)).isZero();
        assertThat(OrganisationDirectory.turn("INC-0", 3)).isEqualTo(2);
        assertThat(OrganisationDirectory.turn("no-number", 3)).isBetween(0, 2);
    }
}
