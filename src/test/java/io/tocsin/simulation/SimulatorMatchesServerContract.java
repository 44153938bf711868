package io.tocsin.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import io.tocsin.config.ConfigLoader;
import io.tocsin.config.Durations;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.incident.TimerWorker;
import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.HttpCalls.Answer;
import io.tocsin.testing.MutableClock;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.VirtualTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The simulator promises only what the server does. Every scenario under {@code examples/} runs twice:
 * through {@code tocsin simulate --json}, and through a real server on a real database whose clock the
 * test moves, with every alert sent over HTTP to the integration endpoint it names (PagerDuty Events
 * API, Alertmanager webhook, generic events) and every action through the incidents API. The messages
 * the server queued — pages, notices and chat posts, each with its minute, recipient and the step of
 * the policy that sent it — are read back from {@code GET /api/v1/incidents/{id}/messages} and must be
 * exactly the list the simulator printed.
 *
 * <p>Each example runs with one integration of every type added to every service (the examples give
 * most services one or two), so an alert can arrive through whichever integration its scenario names;
 * both sides run that same configuration. Timers fire when the test steps them, at the instant they
 * are due, as the simulator fires them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + SimulatorMatchesServerContract.TOKEN,
        "tocsin.config.path=examples/mother-harness",
        "tocsin.admin-token-file=target/test-admin-token-differential",
        "tocsin.timers.enabled=false",
        "tocsin.notify.enabled=false",
        "tocsin.handoff.enabled=false",
        "tocsin.ingest.rate-per-minute=100000"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class SimulatorMatchesServerContract {
    static final String TOKEN = "differential-test-token-0123456789";
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final List<String> TYPES = List.of("pagerduty", "alertmanager", "grafana", "generic");

    /** An example with an integration of every type on every service, and the keys given to them. */
    record Augmented(Path dir, Organisation org, Map<String, Map<String, String>> keys) {
    }

    private static final Map<String, Augmented> AUGMENTED = new HashMap<>();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    TimerWorker timers;

    static Stream<Path> scenarios() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> orgs = Files.list(Path.of("examples"))) {
            for (Path org : orgs.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.list(org.resolve("scenarios"))) {
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(out::add);
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theServerSendsExactlyTheMessagesTheSimulatorPrints(Path file) throws IOException {
        HttpCalls api = new HttpCalls("http://localhost:" + port, TOKEN);
        Augmented org = augmented(file.getParent().getParent());
        activate(api, org);
        api.resolveAllOpen();
        // Every scenario starts from a new installation's switches, as the simulator does.
        Answer reset = api.putJson("/api/v1/switches", Map.of("automation", true, "safe_mode", false));
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);

        CliRun simulated = CliRun.run("simulate", "--config", org.dir().toString(), "--scenario", file.toString(), "--json");
        assertThat(simulated.exitCode()).as(simulated.err()).isZero();
        List<String> expected = new ArrayList<>();
        JsonNode simulatedRun = HttpCalls.JSON.readTree(simulated.out());
        List<String> expectedSwitches = new ArrayList<>();
        for (JsonNode entry : simulatedRun.path("timeline")) {
            if (entry.path("kind").asString().equals("SWITCH_CHANGED")) {
                expectedSwitches.add(switchLine(entry.path("offset_minutes").asLong(), entry.path("text").asString()));
            }
        }
        for (JsonNode m : simulatedRun.path("messages")) {
            expected.add(line(m.path("offset_minutes").asLong(), m.path("kind").asString(), m.path("recipient").asString(),
                    m.path("cause").asString(), text(m, "path"), text(m, "level"), text(m, "trigger")));
        }

        Scenario scenario = ScenarioRunner.read(file);
        Instant start = OffsetDateTime.parse(scenario.start()).toInstant();
        Instant end = start.plus(scenario.runFor() == null ? Duration.ofHours(24) : Durations.parse(scenario.runFor()));
        long before = newestIncident(api);
        clock.set(start);
        Scenario.Alert lastAlert = null;
        List<Scenario.ScenarioEvent> events = new ArrayList<>(scenario.events());
        events.sort(Comparator.comparing(e -> Durations.parse(e.at())));
        for (Scenario.ScenarioEvent e : events) {
            Instant at = start.plus(Durations.parse(e.at()));
            stepTo(at);
            if (e.alert() != null) {
                lastAlert = e.alert();
                send(api, org, e.alert(), "trigger");
            } else if (Boolean.TRUE.equals(e.clear())) {
                send(api, org, lastAlert, "resolve");
            } else {
                act(api, org, newestIncident(api), e);
            }
            timers.runOnce();
        }
        stepTo(end);

        List<String> actual = new ArrayList<>();
        List<String> actualSwitches = new ArrayList<>();
        int opened = 0;
        for (JsonNode incident : api.get("/api/v1/incidents?limit=1000").json()) {
            if (incident.path("number").asLong() <= before) {
                continue;
            }
            opened++;
            for (JsonNode entry : api.get("/api/v1/incidents/" + incident.path("number").asLong()).json().path("timeline")) {
                if (entry.path("kind").asString().equals("SWITCH_CHANGED")) {
                    actualSwitches.add(switchLine(Duration.between(start, Instant.parse(entry.path("at").asString())).toMinutes(),
                            entry.path("text").asString()));
                }
            }
            for (JsonNode m : api.get("/api/v1/incidents/" + incident.path("number").asLong() + "/messages").json()) {
                actual.add(line(Duration.between(start, Instant.parse(m.path("at").asString())).toMinutes(), m.path("kind").asString(),
                        m.path("recipient").asString(), m.path("cause").asString(), text(m, "path"), text(m, "level"), text(m, "trigger")));
            }
        }
        api.resolveAllOpen();
        expected.sort(Comparator.naturalOrder());
        actual.sort(Comparator.naturalOrder());
        expectedSwitches.sort(Comparator.naturalOrder());
        actualSwitches.sort(Comparator.naturalOrder());
        // Some scenarios rightly send nothing (a maintenance window, a signal that was not sustained), but
        // every one opens an incident on the server, so the comparison is about a real incident.
        assertThat(opened).as(file + ": incidents the server opened").isPositive();
        assertThat(actual).as(file + ": messages the server queued").containsExactlyElementsOf(expected);
        // A switch set while an incident is open is on its timeline both ways, in the same words but for the interface.
        assertThat(actualSwitches).as(file + ": switch changes on the server's timelines").containsExactlyElementsOf(expectedSwitches);
    }

    /** A scenario writes on/off or true/false (YAML may read an unquoted off as false); the API takes either as a boolean. */
    private static boolean onOff(String text) {
        return text.equals("on") || text.equals("true");
    }

    private static String switchLine(long minute, String text) {
        return String.format("%+05d %s", minute, text.replace(" via " + ScenarioRunner.VIA + ")", ")").replace(" via api)", ")"));
    }

    private void stepTo(Instant until) {
        new VirtualTime(clock, timers).stepTo(until);
    }

    private static String line(long minute, String kind, String recipient, String cause, String path, String level, String trigger) {
        return String.format("%+05d %-6s %-28s %-26s %s/%s/%s", minute, kind, recipient, cause, path, level, trigger);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isString() ? v.asString() : "-";
    }

    private static long newestIncident(HttpCalls api) {
        JsonNode newest = api.get("/api/v1/incidents?limit=1").json();
        return newest.isEmpty() ? 0 : newest.get(0).path("number").asLong();
    }

    private static void activate(HttpCalls api, Augmented org) throws IOException {
        List<Map<String, String>> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(org.dir())) {
            for (Path f : list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                files.add(Map.of("name", f.getFileName().toString(), "text", Files.readString(f)));
            }
        }
        // Switching organisations moves every pager: confirmed.
        Answer a = api.postJson("/api/v1/config", Map.of("files", files, "confirm", true));
        assertThat(a.status()).as(a.body()).isIn(200, 201);
    }

    /** The alert as its integration sends it over HTTP, or that integration's resolve for it. */
    private static void send(HttpCalls api, Augmented org, Scenario.Alert alert, String action) {
        String integration = ScenarioRunner.integration(alert);
        String key = org.keys().get(alert.service()).get(integration);
        String severity = alert.severity() != null ? alert.severity() : alert.sourceSeverity();
        String summary = alert.summary() == null ? "" : alert.summary();
        Answer a = switch (integration) {
            case "pagerduty" -> {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("routing_key", key, "event_action", action, "dedup_key",
                        ScenarioRunner.DEDUP_KEY));
                if (action.equals("trigger")) {
                    Map<String, Object> payload = new LinkedHashMap<>(Map.of("summary", summary, "source", "scenario", "severity", severity));
                    payload.put("custom_details", alert.labels());
                    body.put("payload", payload);
                }
                yield api.withToken(null).postJson("/v2/enqueue", body);
            }
            case "alertmanager", "grafana" -> {
                Map<String, String> labels = new LinkedHashMap<>(alert.labels());
                if (severity != null) {
                    labels.putIfAbsent("severity", severity);
                }
                String status = action.equals("trigger") ? "firing" : "resolved";
                Map<String, Object> one = Map.of("status", status, "labels", labels, "annotations", Map.of("summary", summary),
                        "fingerprint", ScenarioRunner.DEDUP_KEY);
                yield api.withToken(null).postJson("/api/v1/integrations/" + integration + "/" + key, Map.of("version", "4",
                        "status", status, "receiver", "tocsin", "groupKey", "{}:{}", "alerts", List.of(one)));
            }
            default -> {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("action", action, "dedup_key", ScenarioRunner.DEDUP_KEY));
                if (action.equals("trigger")) {
                    body.put("summary", summary);
                    if (severity != null) {
                        body.put("severity", severity);
                    }
                    body.put("labels", alert.labels());
                }
                yield api.withToken(null).withHeader("X-Tocsin-Key", key).postJson("/api/v1/events", body);
            }
        };
        assertThat(a.status()).as(integration + " " + action + ": " + a.body()).isBetween(200, 299);
    }

    /** A scenario's action on the incident, through the incidents API as a person or a script would take it. */
    private void act(HttpCalls api, Augmented org, long incident, Scenario.ScenarioEvent e) {
        String base = "/api/v1/incidents/" + incident;
        Answer a;
        if (e.acknowledge() != null) {
            a = as(api, e.acknowledge()).postJson(base + "/acknowledge", "{}");
        } else if (e.unacknowledge() != null) {
            a = as(api, e.unacknowledge()).postJson(base + "/unacknowledge", "{}");
        } else if (e.resolve() != null) {
            a = as(api, e.resolve()).postJson(base + "/resolve", "{}");
        } else if (e.update() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", e.update().message() == null ? "" : e.update().message());
            if (e.update().status() != null) {
                body.put("status", e.update().status());
            }
            if (e.update().impact() != null) {
                body.put("impact", e.update().impact());
            }
            if (e.update().nextUpdate() != null) {
                body.put("next_update", e.update().nextUpdate());
            }
            a = as(api, e.update().by()).postJson(base + "/updates", body);
        } else if (e.severity() != null) {
            a = api.postJson(base + "/severity", Map.of("severity", ScenarioRunner.severity(org.org(), e.severity(), "severity")));
        } else if (e.tag() != null) {
            a = api.postJson(base + "/tags", Map.of("tags", List.of(e.tag())));
        } else if (e.service() != null) {
            a = api.postJson(base + "/services", Map.of("service", e.service()));
        } else if (e.escalate() != null) {
            a = api.postJson(base + "/escalate", "next".equals(e.escalate()) ? Map.of() : Map.of("level", e.escalate()));
        } else if (e.deescalate() != null) {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("keep", e.deescalate().keep()));
            if (e.deescalate().reason() != null) {
                body.put("reason", e.deescalate().reason());
            }
            a = as(api, e.deescalate().by()).postJson(base + "/deescalate", body);
        } else if (e.reassign() != null) {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("to", e.reassign().to()));
            if (e.reassign().reason() != null) {
                body.put("reason", e.reassign().reason());
            }
            a = as(api, e.reassign().by()).postJson(base + "/reassign", body);
        } else if (e.escalationRequest() != null) {
            Scenario.EscalationRequest r = e.escalationRequest();
            Map<String, Object> body = new LinkedHashMap<>();
            if (r.level() != null) {
                body.put("level", r.level());
            }
            for (Map.Entry<String, String> f : new java.util.TreeMap<>(Map.of("impact", String.valueOf(r.impact()), "tried",
                    String.valueOf(r.tried()), "why", String.valueOf(r.why()), "ask", String.valueOf(r.ask()))).entrySet()) {
                if (!"null".equals(f.getValue())) {
                    body.put(f.getKey(), f.getValue());
                }
            }
            a = as(api, r.by()).postJson(base + "/escalate", body);
        } else if (e.role() != null) {
            a = as(api, e.role().by()).postJson(base + "/roles", Map.of("role", e.role().role(), "person", e.role().person()));
        } else if (e.releaseRole() != null) {
            a = api.postJson(base + "/roles/" + e.releaseRole() + "/release", "{}");
        } else if (e.warRoom() != null) {
            a = api.postJson(base + "/war-room", Map.of("reason", e.warRoom()));
        } else if (e.join() != null) {
            a = as(api, e.join()).postJson(base + "/war-room/join", "{}");
        } else if (e.killSwitch() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (e.killSwitch().automation() != null) {
                body.put("automation", onOff(e.killSwitch().automation()));
            }
            if (e.killSwitch().safeMode() != null) {
                body.put("safe_mode", onOff(e.killSwitch().safeMode()));
            }
            a = as(api, e.killSwitch().by()).putJson("/api/v1/switches", body);
        } else if (e.tick() != null) {
            a = as(api, e.tick().by()).postJson(base + "/checklist/" + e.tick().item() + "/tick", "{}");
        } else {
            a = api.postJson(base + "/notes", Map.of("text", e.note()));
        }
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    /** Each person's own token, issued once per scenario: whoever acts on the server is the token's owner. */
    private final Map<String, HttpCalls> people = new HashMap<>();

    /**
     * The scenario's person acting with their own token (every scope: the scenario decides what they do,
     * and the organisation's roles still decide whether they may), or the admin token where it names nobody.
     */
    private HttpCalls as(HttpCalls api, String person) {
        return person == null ? api : people.computeIfAbsent(person, p -> api.asPerson(p, "read", "write", "admin"));
    }

    /** A copy of the example in which every service has one integration of every type, with keys of its own. */
    private static synchronized Augmented augmented(Path example) throws IOException {
        Augmented known = AUGMENTED.get(example.toString());
        if (known != null) {
            return known;
        }
        Path dir = Files.createTempDirectory("tocsin-differential-" + example.getFileName());
        Map<String, Map<String, String>> keys = new HashMap<>();
        try (Stream<Path> files = Files.list(example)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String text = Files.readString(f);
                JsonNode root = YAML.readTree(text);
                if (root.has("services")) {
                    for (JsonNode service : root.path("services")) {
                        String id = service.path("id").asString();
                        Map<String, String> byType = keys.computeIfAbsent(id, k -> new HashMap<>());
                        ArrayNode integrations = service.has("integrations") ? (ArrayNode) service.get("integrations")
                                : ((ObjectNode) service).putArray("integrations");
                        for (JsonNode i : integrations) {
                            byType.putIfAbsent(i.path("type").asString(), i.path("key").asString());
                        }
                        for (String type : TYPES) {
                            if (!byType.containsKey(type)) {
                                String key = keyFor(example.getFileName() + "/" + id + "/" + type);
                                integrations.addObject().put("type", type).put("key", key);
                                byType.put(type, key);
                            }
                        }
                    }
                    text = YAML.writeValueAsString(root);
                }
                Files.writeString(dir.resolve(f.getFileName()), text);
            }
        }
        LoadedConfig loaded = ConfigLoader.load(List.of(dir));
        assertThat(loaded.problems()).as("the augmented " + example).isEmpty();
        Augmented made = new Augmented(dir, loaded.organisation().orElseThrow(), keys);
        AUGMENTED.put(example.toString(), made);
        return made;
    }

    /** 32 hex characters, the shape of a PagerDuty integration key. */
    private static String keyFor(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
