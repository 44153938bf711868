package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration keys none of the seed organisations uses, each shown acting: every scenario beside
 * src/test/resources/orgs/keys replays, through {@code tocsin simulate}, to exactly its expected timeline
 * (the inventory of ConfigKeysActTest names this test for those keys).
 */
class KeyScenariosTest {
    static final Path ORG = Path.of("src/test/resources/orgs/keys");

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(ORG.resolve("scenarios"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theScenarioReplaysToItsExpectedTimeline(Path scenario) throws IOException {
        Path expected = Path.of(scenario.toString().replaceAll("\\.yaml$", ".timeline.txt"));
        assertThat(expected).as("expected timeline beside " + scenario).exists();
        CliRun run = CliRun.run("simulate", "--config", ORG.toString(), "--scenario", scenario.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(expected));
    }
}
