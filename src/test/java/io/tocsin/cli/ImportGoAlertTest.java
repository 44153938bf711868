package io.tocsin.cli;

import static io.tocsin.cli.ImportChecks.onCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import io.tocsin.config.ConfigLoader;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tocsin import goalert} through the real command line, on an export built from GoAlert's
 * GraphQL schema by src/test/resources/import/make_goalert_export.py, whose schedule shifts were
 * rendered there by GoAlert's rules, independently of Tocsin.
 */
class ImportGoAlertTest {
    static final Path EXPORT = Path.of("src/test/resources/import/goalert");

    @TempDir
    Path tmp;

    static CliRun importDir(Path export, Path out) {
        return ImportChecks.importDir("goalert", export, out, "initech", "Initech");
    }

    @Test
    void theExportBecomesAValidConfigurationWhoseSchedulesAnswerAsGoAlertDoesForEightWeeks() throws IOException {
        Path out = tmp.resolve("initech");
        CliRun r = importDir(EXPORT, out);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("| api | API | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| data-platform | Data platform | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| security | Security | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | same on-call throughout |",
                "| rotation-infra-escalation | Rotation Infra escalation | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | not compared: the export has no rendered on-call");
        CliRun validate = CliRun.run("validate", out.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.out()).contains("valid: organisation initech (9 people, 4 schedules, 3 escalation policies, 3 services)");

        // Spot checks against the exported shifts: targets answer together inside their rules.
        assertThat(onCall(out, "api", "2026-12-08T12:00:00-06:00")).containsExactly("marco", "nadia");
        assertThat(onCall(out, "api", "2026-12-16T03:00:00Z")).containsExactly("lena"); // replaces kofi overnight
        assertThat(onCall(out, "data-platform", "2026-12-12T11:00:00Z")).containsExactly("oscar", "quinn"); // weekend user target
        assertThat(onCall(out, "data-platform", "2027-01-01T02:00:00Z")).containsExactly("sam");

        Organisation org = ConfigLoader.load(List.of(out)).organisationOrNull();
        OrganisationConfig c = org.config();
        assertThat(org.person("lena").orElseThrow().contactMethods()).extracting(OrganisationConfig.ContactMethod::type)
                .containsExactly("email", "sms", "voice", "webhook");
        OrganisationConfig.Path api = c.escalationPolicies().get(0).paths().get(0);
        assertThat(api.repeat()).isEqualTo(2);
        assertThat(api.levels()).extracting(l -> l.start().after()).containsExactly("0m", "15m", "15m");
        assertThat(api.levels().get(2).targets()).extracting(OrganisationConfig.Target::person, OrganisationConfig.Target::schedule)
                .containsExactly(tuple(null, "security"), tuple(null, "rotation-infra-escalation"));
        assertThat(c.services().get(0).integrations()).extracting(OrganisationConfig.Integration::type, OrganisationConfig.Integration::key)
                .containsExactly(tuple("generic", "6a1f0c3e-2b7d-4e59-9a10-1c2d3e4f5a61"), tuple("alertmanager", "7b2e1d4f-3c8e-4f6a-8b21-2d3e4f5a6b72"),
                        tuple("heartbeat", "8c3f2e5a-4d9f-4a7b-9c32-3e4f5a6b7c83"));
    }

    @Test
    void everyFeatureWithoutAnEquivalentIsInTheReportWithItsReason() throws IOException {
        Path out = tmp.resolve("initech");
        assertThat(importDir(EXPORT, out).exitCode()).isZero();
        assertThat(Files.readString(out.resolve("import-report.md"))).contains(
                "| user Kofi Mensah | role admin |",
                "| schedule Security | add override 2027-01-20T00:00:00Z to 2027-01-21T00:00:00Z | Tocsin overrides replace whoever a layer names",
                "| escalation policy Data policy, step 2 | target slackChannel #data-oncall |",
                "| escalation policy Data policy | repeat 30 min after the last step | Tocsin repeats a ladder 15m after its last level |",
                "| escalation policy Security policy, step 2 | the step | none of its targets was carried over |",
                "| service Data pipeline | integration key Data mail (email) | Tocsin has no email integration |",
                "| service Public API | GoAlert's generic API format of Monitoring |",
                "- schedule API: lena replaces kofi from 2026-12-15T23:00:00Z to 2026-12-16T15:00:00Z on layer(s) api-weekly, api-business-hours",
                "- GoAlert has no teams; every service belongs to team `goalert-services`");
    }

    @Test
    void aScheduleThatAnswersDifferentlyIsListedWithItsStretchesAndExitsOne() throws IOException {
        Path export = ExportApiServer.copy(EXPORT, tmp.resolve("export"));
        Path file = export.resolve("schedules.json");
        ObjectNode doc = (ObjectNode) ExportApiServer.JSON.readTree(Files.readString(file));
        ArrayNode shifts = (ArrayNode) doc.path("data").path("schedules").path("nodes").get(2).path("shifts");
        ObjectNode cut = ExportApiServer.JSON.createObjectNode();
        // GoAlert says Kofi's Security cover has a hole on 2027-01-25.
        ObjectNode first = (ObjectNode) shifts.get(0);
        assertThat(first.path("end").asString()).isEqualTo("2027-02-01T00:00:00Z");
        first.put("end", "2027-01-25T00:00:00Z");
        cut.setAll(first);
        cut.put("start", "2027-01-26T00:00:00Z");
        cut.put("end", "2027-02-01T00:00:00Z");
        shifts.add(cut);
        Files.writeString(file, ExportApiServer.JSON.writeValueAsString(doc));
        CliRun r = importDir(export, tmp.resolve("initech"));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("| security | Security | 2026-12-07T00:00:00Z | 2027-02-01T00:00:00Z | 1 mismatch(es) |",
                "- 2027-01-25T00:00:00Z to 2027-01-26T00:00:00Z: GoAlert nobody, Tocsin kofi");
    }

    @Test
    void fromTheGraphQlApiWithItsTokenAndCursorsTheResultIsTheSameAsFromTheExport() throws IOException {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = graphQl("ga-token-123", asked);
        try {
            Path token = tmp.resolve("token");
            Files.writeString(token, "ga-token-123\n");
            Path fromApi = tmp.resolve("from-api");
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            CliRun r = ImportChecks.importApi("goalert", base, token, fromApi, "initech", "Initech");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            Path fromDir = tmp.resolve("from-dir");
            assertThat(importDir(EXPORT, fromDir).exitCode()).isZero();
            ImportChecks.assertSameConfiguration(fromApi, fromDir);
            assertThat(asked).contains("users after ", "users after 2", "users after 8",
                    "schedules after  since 2026-12-07T00:00:00Z until 2027-02-01T00:00:00Z");

            Path wrong = tmp.resolve("wrong");
            Files.writeString(wrong, "nope");
            CliRun refused = CliRun.run("import", "goalert", "--from-api", "--base-url", base, "--token-file", wrong.toString(),
                    "--output", tmp.resolve("refused").toString());
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("import failed: the users query answered HTTP 401");
            CliRun noBase = CliRun.run("import", "goalert", "--from-api", "--token-file", token.toString(), "--output", tmp.resolve("x").toString());
            assertThat(noBase.exitCode()).isEqualTo(2);
            assertThat(noBase.err()).contains("--from-api needs --base-url: the address of your GoAlert");
        } finally {
            server.stop(0);
        }
    }

    private static final Pattern OPERATION = Pattern.compile("\\{\\s*(\\w+)\\(input: \\$input\\)");

    /**
     * GoAlert's GraphQL endpoint over the export: {@code POST /api/graphql} with {@code Authorization:
     * Bearer TOKEN}; the query's top-level field picks the saved answer, whose connection is cut
     * into pages of two nodes from the {@code after} cursor (the offset), with {@code pageInfo}.
     */
    private static HttpServer graphQl(String token, List<String> asked) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body;
            int status = 200;
            if (!"POST".equals(exchange.getRequestMethod()) || !"/api/graphql".equals(exchange.getRequestURI().getPath())) {
                status = 404;
                body = "not found";
            } else if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "unauthorized";
            } else {
                JsonNode request = ExportApiServer.JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Matcher m = OPERATION.matcher(request.path("query").asString(""));
                if (!m.find()) {
                    body = "{\"errors\":[{\"message\":\"unknown query\"}]}";
                } else {
                    String name = m.group(1);
                    JsonNode vars = request.path("variables");
                    String after = vars.path("input").path("after").asString("");
                    asked.add(name + " after " + after + (vars.has("since") ? " since " + vars.path("since").asString() + " until " + vars.path("until").asString() : ""));
                    ObjectNode doc = (ObjectNode) ExportApiServer.JSON.readTree(Files.readString(EXPORT.resolve(name + ".json")));
                    ObjectNode connection = (ObjectNode) doc.path("data").path(name);
                    ArrayNode all = (ArrayNode) connection.path("nodes");
                    int offset = after.isEmpty() ? 0 : Integer.parseInt(after);
                    int first = Math.min(ExportApiServer.PAGE, vars.path("input").path("first").asInt(15));
                    ArrayNode page = ExportApiServer.JSON.createArrayNode();
                    for (int i = offset; i < Math.min(all.size(), offset + first); i++) {
                        page.add(all.get(i));
                    }
                    connection.set("nodes", page);
                    ObjectNode info = connection.putObject("pageInfo");
                    info.put("hasNextPage", offset + first < all.size());
                    info.put("endCursor", String.valueOf(offset + page.size()));
                    body = ExportApiServer.JSON.writeValueAsString(doc);
                }
            }
            ExportApiServer.answer(exchange, status, body);
        });
        server.start();
        return server;
    }
}
