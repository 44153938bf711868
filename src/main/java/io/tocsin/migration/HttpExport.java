package io.tocsin.migration;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** A source's REST API read as an export: one GET with the source's own headers, its failures in words. */
abstract class HttpExport implements ExportSource {
    /** A bound on pages, so a server that always says there is more cannot keep the import running. */
    static final int MAX_PAGES = 10_000;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpExport(URI base) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
    }

    /** The headers every request carries (authentication, versioned Accept), name then value. */
    abstract String[] headers();

    /** Whether a page of a list says more pages follow. */
    abstract boolean hasMore(JsonNode page);

    /**
     * Every item of a list, page by page ({@code limit}/{@code offset}, 100 a page as both APIs
     * cap it); the offset advances by the items received, since a server may answer fewer than asked.
     */
    @Override
    public java.util.List<JsonNode> list(String path, String collection, Map<String, String> query) throws IOException {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        int offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            Map<String, String> q = new java.util.LinkedHashMap<>(query);
            q.put("limit", "100");
            q.put("offset", String.valueOf(offset));
            JsonNode doc = get(path, q);
            JsonNode items = doc.path(collection);
            if (!items.isArray()) {
                throw new IOException("GET /" + apiPath(path) + " answered without a \"" + collection + "\" list");
            }
            items.forEach(out::add);
            if (!hasMore(doc) || items.isEmpty()) {
                return out;
            }
            offset += items.size();
        }
        throw new IOException("GET /" + apiPath(path) + " still had more after " + MAX_PAGES + " pages");
    }

    /** The path the API serves a document at, for an export path. */
    String apiPath(String path) {
        return path;
    }

    @Override
    public JsonNode document(String path, Map<String, String> query) throws IOException {
        return get(path, query);
    }

    final JsonNode get(String path, Map<String, String> query) throws IOException {
        // A value with commas is a repeated parameter (include[]=a&include[]=b).
        String q = query.entrySet().stream()
                .flatMap(e -> java.util.Arrays.stream(e.getValue().split(",")).map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        URI uri = base.resolve(apiPath(path) + (q.isEmpty() ? "" : "?" + q));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).headers(headers()).GET().build();
        return send(http, request, "GET /" + apiPath(path));
    }

    /** Sends {@code request} and reads its JSON answer; {@code shown} names the request in what goes wrong. */
    static JsonNode send(HttpClient http, HttpRequest request, String shown) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + request.uri());
        }
        if (response.statusCode() == 404) {
            throw new MissingExport(shown + " answered 404");
        }
        if (response.statusCode() / 100 != 2) {
            String hint = response.statusCode() == 401 || response.statusCode() == 403 ? " (is the API key right, and may it read this?)" : "";
            throw new IOException(shown + " answered HTTP " + response.statusCode() + hint);
        }
        try {
            return DirectoryExport.JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new IOException(shown + " answered something that is not JSON");
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
