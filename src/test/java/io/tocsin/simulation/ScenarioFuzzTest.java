package io.tocsin.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.config.ConfigLoader;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenarios (simulate input: {@code POST /api/v1/simulate}, {@code tocsin simulate}) read by
 * {@link ScenarioRunner#parse} and replayed by {@link ScenarioRunner#run} against an example
 * organisation: a run, or a ScenarioException in plain words (answered 400 naming {@code scenario})
 * — never another exception. A first line {@code # example: <dir>} picks the organisation of
 * examples/<dir> (medicalcor otherwise), as in the seeds copied from examples/*&#47;scenarios.
 */
class ScenarioFuzzTest {
    private static final Pattern EXAMPLE = Pattern.compile("\\A# example: ([a-z-]+)");
    private static final Map<String, Organisation> ORGS = Stream.of("medicalcor", "mother-harness", "sankofa-phoenix",
            "support-automation", "web-platform").collect(Collectors.toMap(n -> n, ScenarioFuzzTest::load));

    private static Organisation load(String example) {
        LoadedConfig loaded = ConfigLoader.load(List.of(Path.of("examples", example)));
        assertThat(loaded.problems()).as(example).isEmpty();
        return loaded.organisation().orElseThrow();
    }

    @FuzzTest
    void scenario(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Matcher m = EXAMPLE.matcher(text);
        Organisation org = ORGS.getOrDefault(m.find() ? m.group(1) : "medicalcor", ORGS.get("medicalcor"));
        ScenarioRunner.Run run;
        try {
            Scenario scenario = ScenarioRunner.parse(text, "scenario");
            if (scenario == null) {
                return; // an empty document: the API refuses it as such before running anything
            }
            run = ScenarioRunner.run(org, scenario);
        } catch (ScenarioRunner.ScenarioException refused) {
            FuzzContract.plainWords(refused.getMessage(), text);
            return;
        }
        assertThat(run.text()).isNotEmpty();
        assertThat(run.json()).containsKeys("timeline", "messages");
    }
}
