package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the import tests of every source do the same way: run {@code tocsin import} on an export, ask
 * the imported configuration who is on call, and hold an import from the API to the one from the
 * saved export. One copy, so the sources' tests cannot drift apart in how they check.
 */
final class ImportChecks {
    /** The start of every comparison in the fixtures: the exports' on-call was rendered from here. */
    static final String FROM = "2026-12-07T00:00:00Z";
    /** The files an import writes, each of which must not depend on where the source was read from. */
    static final List<String> FILES = List.of("organisation.yaml", "people.yaml", "teams.yaml", "schedules.yaml", "escalation.yaml", "services.yaml");

    private ImportChecks() {
    }

    /** {@code tocsin import SOURCE EXPORT} into {@code out} for the organisation {@code orgId} named {@code orgName}. */
    static CliRun importDir(String source, Path export, Path out, String orgId, String orgName) {
        return CliRun.run("import", source, export.toString(), "--output", out.toString(), "--from", FROM, "--org-id", orgId, "--org-name", orgName);
    }

    /** {@code tocsin import SOURCE --from-api} from the API at {@code base} with the key in {@code keyFile}, likewise. */
    static CliRun importApi(String source, String base, Path keyFile, Path out, String orgId, String orgName) {
        return CliRun.run("import", source, "--from-api", "--base-url", base, "--token-file", keyFile.toString(),
                "--output", out.toString(), "--from", FROM, "--org-id", orgId, "--org-name", orgName);
    }

    /** Who the imported configuration has on call on {@code schedule} at {@code at}, each person once, by id. */
    static List<String> onCall(Path config, String schedule, String at) throws IOException {
        CliRun r = CliRun.run("oncall", "--config", config.toString(), "--schedule", schedule, "--at", at, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> people = new ArrayList<>();
        for (JsonNode layer : ExportApiServer.JSON.readTree(r.out()).path("layers")) {
            if (!layer.path("person").isNull() && !layer.path("person").isMissingNode()) {
                people.add(layer.path("person").asString());
            }
        }
        return people.stream().distinct().sorted().toList();
    }

    /** The two imports wrote the same configuration, file for file. */
    static void assertSameConfiguration(Path actual, Path expected) throws IOException {
        for (String f : FILES) {
            assertThat(Files.readString(actual.resolve(f))).as(f).isEqualTo(Files.readString(expected.resolve(f)));
        }
    }
}
