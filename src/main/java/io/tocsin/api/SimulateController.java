package io.tocsin.api;

import io.tocsin.config.ActiveConfiguration;
import io.tocsin.config.ConfigLoader;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.simulation.Scenario;
import io.tocsin.simulation.ScenarioRunner;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * "What would happen if": replays a scenario on a virtual clock with the same routing and engine
 * code as live incidents, against the running configuration or against files not yet applied
 * (so a change to a policy can be tried before it is activated). Nothing is written, nobody is paged.
 */
@RestController
class SimulateController {
    /** {@code scenario} is the scenario as YAML (or JSON) text; {@code files}, when given, replace the running configuration. */
    record SimulateBody(String scenario, List<ConfigController.FileBody> files) {
    }

    private final ActiveConfiguration active;
    private final RequestLimits limits;

    SimulateController(ActiveConfiguration active, RequestLimits limits) {
        this.active = active;
        this.limits = limits;
    }

    @PostMapping(value = "/api/v1/simulate", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> simulate(@RequestBody SimulateBody body, @RequestHeader(value = "Accept", required = false) String accept) {
        String text = RequestValues.required("scenario", body == null ? null : body.scenario());
        limits.scenario("scenario", text);
        Organisation org = active.current();
        if (body.files() != null) {
            LoadedConfig loaded = ConfigLoader.loadSources(ConfigController.files(new ConfigController.FilesBody(body.files(), null), limits));
            if (!loaded.isValid()) {
                ProblemDetail p = ApiProblems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid configuration",
                        loaded.problems().size() + " problem(s) in the files to simulate with");
                p.setProperty("errors", loaded.problems());
                return ResponseEntity.unprocessableContent().body(p);
            }
            org = loaded.organisation().orElseThrow();
        }
        return answer(run(org, text), accept);
    }

    /** The scenario file itself, for {@code curl --data-binary @scenario.yaml}, against the running configuration. */
    @PostMapping(value = "/api/v1/simulate", consumes = {"application/yaml", "application/x-yaml", "text/yaml"})
    ResponseEntity<Object> simulateYaml(@RequestBody String yaml, @RequestHeader(value = "Accept", required = false) String accept) {
        limits.scenario("(body)", yaml);
        return answer(run(active.current(), yaml), accept);
    }

    private static ScenarioRunner.Run run(Organisation org, String text) {
        try {
            Scenario scenario = ScenarioRunner.parse(text, "scenario");
            if (scenario == null) {
                throw new BadRequestException("scenario", "the scenario is empty: it needs a start and events");
            }
            return ScenarioRunner.run(org, scenario);
        } catch (ScenarioRunner.ScenarioException e) {
            // parse names the document it read ("scenario: ..."): the field says that already.
            String message = e.getMessage();
            throw new BadRequestException("scenario", message.startsWith("scenario: ") ? message.substring("scenario: ".length()) : message);
        }
    }

    private static ResponseEntity<Object> answer(ScenarioRunner.Run run, String accept) {
        if (accept != null && accept.contains(MediaType.TEXT_PLAIN_VALUE) && !accept.contains(MediaType.APPLICATION_JSON_VALUE)) {
            return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(run.text());
        }
        Map<String, Object> json = run.json();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
    }
}
