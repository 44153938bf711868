package io.tocsin.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A source system's REST API served from an export directory on a local port, as its documentation
 * describes it: every request must carry the API's own {@code Authorization} (and {@code Accept})
 * header or is answered 401; a missing document is 404; a list is cut into pages of at most two
 * items whatever the limit asked (as a server may), by the API's own pagination ({@code pager}).
 */
final class ExportApiServer implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** At most this many items a page, so that every list of the fixtures takes several pages. */
    static final int PAGE = 2;
    private final HttpServer server;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param prefix the path the API serves the export under ("/" or "/v2/")
     * @param pager  a page of a list document: (the whole document, the query) → the page's JSON
     */
    ExportApiServer(Path export, String prefix, Map<String, String> requiredHeaders,
                    BiFunction<JsonNode, Map<String, String>, String> pager) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            URI uri = exchange.getRequestURI();
            requests.add(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            String body;
            int status;
            boolean authorised = requiredHeaders.entrySet().stream()
                    .allMatch(h -> h.getValue().equals(exchange.getRequestHeaders().getFirst(h.getKey())));
            Path file = uri.getPath().startsWith(prefix) ? export.resolve(uri.getPath().substring(prefix.length()) + ".json") : null;
            if (!authorised) {
                status = 401;
                body = "{\"message\":\"Unauthorized\"}";
            } else if (file == null || !Files.isRegularFile(file)) {
                status = 404;
                body = "{\"message\":\"Not Found\"}";
            } else {
                status = 200;
                body = pager.apply(JSON.readTree(Files.readString(file)), query(uri));
            }
            answer(exchange, status, body);
        });
        server.start();
    }

    /** Answers a request with a JSON body, as the sources' APIs do (the GraphQL one too). */
    static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    static Map<String, String> query(URI uri) {
        if (uri.getQuery() == null) {
            return Map.of();
        }
        return Stream.of(uri.getQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : "", (a, b) -> a + "," + b));
    }

    /** A copy of an export to change in a test. */
    static Path copy(Path export, Path copy) throws IOException {
        try (Stream<Path> walk = Files.walk(export)) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(export.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
