package io.tocsin.migration;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The PagerDuty REST API v2 as an export: {@code Authorization: Token token=...}, the versioned
 * {@code Accept} header, and classic pagination ({@code limit}/{@code offset} until {@code more} is
 * false). The offset advances by the items received, since a server may answer fewer than asked.
 */
public final class PagerDutyApi implements ExportSource {
    /** The API caps a page at 100 items. */
    private static final int PAGE = 100;
    /** A bound on pages, so a server that always says {@code more} cannot keep the import running. */
    private static final int MAX_PAGES = 10_000;
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public PagerDutyApi(URI base, String token) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.token = token;
    }

    @Override
    public JsonNode document(String path, Map<String, String> query) throws IOException {
        return get(path, query);
    }

    @Override
    public List<JsonNode> list(String path, String collection, Map<String, String> query) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        int offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, String> q = new LinkedHashMap<>(query);
            q.put("limit", String.valueOf(PAGE));
            q.put("offset", String.valueOf(offset));
            JsonNode doc = get(path, q);
            JsonNode items = doc.path(collection);
            if (!items.isArray()) {
                throw new IOException("GET /" + path + " answered without a \"" + collection + "\" list");
            }
            items.forEach(out::add);
            if (!doc.path("more").asBoolean(false) || items.isEmpty()) {
                return out;
            }
            offset += items.size();
        }
        throw new IOException("GET /" + path + " still had more after " + MAX_PAGES + " pages");
    }

    private JsonNode get(String path, Map<String, String> query) throws IOException {
        String q = query.entrySet().stream()
                .flatMap(e -> java.util.Arrays.stream(e.getValue().split(",")).map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        URI uri = base.resolve(path + (q.isEmpty() ? "" : "?" + q));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Token token=" + token)
                .header("Accept", "application/vnd.pagerduty+json;version=2")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + uri);
        }
        if (response.statusCode() == 404) {
            throw new MissingExport("GET /" + path + " answered 404");
        }
        if (response.statusCode() / 100 != 2) {
            String hint = response.statusCode() == 401 || response.statusCode() == 403 ? " (is the API token right, and may it read this?)" : "";
            throw new IOException("GET /" + path + " answered HTTP " + response.statusCode() + hint);
        }
        try {
            return DirectoryExport.JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new IOException("GET /" + path + " answered something that is not JSON");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
        return "API " + base;
    }
}
