package io.tocsin.migration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * GoAlert's GraphQL API ({@code POST /api/graphql}, {@code Authorization: Bearer TOKEN}) as an export.
 * An export path names one of {@link #QUERIES}; its answer is saved as that name's file in an export
 * directory. Lists are connections, read {@value #PAGE} nodes at a time while
 * {@code pageInfo.hasNextPage}, from {@code pageInfo.endCursor}.
 */
public final class GoAlertApi implements ExportSource {
    static final int PAGE = 100;
    /** What the importer asks, by export path: the fields it reads and nothing more. */
    public static final Map<String, String> QUERIES = Map.of(
            "users", """
                    query($input: UserSearchOptions) { users(input: $input) { nodes { id name email role
                      contactMethods { id type name value disabled } notificationRules { id delayMinutes contactMethodID } }
                      pageInfo { hasNextPage endCursor } } }""",
            "rotations", """
                    query($input: RotationSearchOptions) { rotations(input: $input) { nodes { id name description timeZone type
                      shiftLength start activeUserIndex userIDs nextHandoffTimes(num: 1) } pageInfo { hasNextPage endCursor } } }""",
            "schedules", """
                    query($input: ScheduleSearchOptions, $since: ISOTimestamp!, $until: ISOTimestamp!) { schedules(input: $input) { nodes {
                      id name description timeZone targets { target { id type name } rules { start end weekdayFilter } }
                      temporarySchedules { start end } shifts(start: $since, end: $until) { userID start end } }
                      pageInfo { hasNextPage endCursor } } }""",
            "userOverrides", """
                    query($input: UserOverrideSearchOptions) { userOverrides(input: $input) { nodes { id start end addUserID removeUserID
                      target { id type name } } pageInfo { hasNextPage endCursor } } }""",
            "escalationPolicies", """
                    query($input: EscalationPolicySearchOptions) { escalationPolicies(input: $input) { nodes { id name description repeat
                      steps { stepNumber delayMinutes targets { id type name } } } pageInfo { hasNextPage endCursor } } }""",
            "services", """
                    query($input: ServiceSearchOptions) { services(input: $input) { nodes { id name description escalationPolicyID
                      integrationKeys { id type name href } heartbeatMonitors { id name timeoutMinutes href } }
                      pageInfo { hasNextPage endCursor } } }""");

    private final URI endpoint;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public GoAlertApi(URI base, String token) {
        String b = base.toString();
        this.endpoint = URI.create((b.endsWith("/") ? b : b + "/") + "api/graphql");
        this.token = token;
    }

    @Override
    public JsonNode document(String path, Map<String, String> query) throws IOException {
        return post(path, query, null);
    }

    @Override
    public List<JsonNode> list(String path, String collection, Map<String, String> query) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String after = "";
        for (int page = 0; page < HttpExport.MAX_PAGES; page++) {
            JsonNode doc = post(path, query, after);
            JsonNode items = DirectoryExport.at(doc, collection);
            if (!items.isArray()) {
                throw new IOException("the " + path + " query answered without " + collection);
            }
            items.forEach(out::add);
            JsonNode info = DirectoryExport.at(doc, "data." + path + ".pageInfo");
            if (!info.path("hasNextPage").asBoolean(false) || items.isEmpty()) {
                return out;
            }
            after = info.path("endCursor").asString("");
        }
        throw new IOException("the " + path + " query still had more after " + HttpExport.MAX_PAGES + " pages");
    }

    private JsonNode post(String name, Map<String, String> variables, String after) throws IOException {
        String query = QUERIES.get(name);
        if (query == null) {
            throw new MissingExport("GoAlert has no " + name + " query here");
        }
        ObjectNode body = DirectoryExport.JSON.createObjectNode();
        body.put("query", query);
        ObjectNode vars = body.putObject("variables");
        Map<String, String> input = new LinkedHashMap<>();
        variables.forEach((k, v) -> {
            if (k.equals("since") || k.equals("until")) {
                vars.put(k, v);
            } else {
                input.put(k, v);
            }
        });
        ObjectNode in = vars.putObject("input");
        in.put("first", PAGE);
        if (after != null && !after.isEmpty()) {
            in.put("after", after);
        }
        input.forEach(in::put);
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DirectoryExport.JSON.writeValueAsString(body))).build();
        JsonNode doc = HttpExport.send(http, request, "the " + name + " query");
        if (doc.path("errors").isArray() && !doc.path("errors").isEmpty()) {
            throw new IOException("the " + name + " query failed: " + doc.path("errors").get(0).path("message").asString("?"));
        }
        return doc;
    }

    @Override
    public String describe() {
        return "API " + endpoint;
    }
}
