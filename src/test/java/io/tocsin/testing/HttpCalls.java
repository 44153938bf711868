package io.tocsin.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client against the running server, so tests see exactly what a user's client sees. */
public final class HttpCalls {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    public record Answer(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        public Answer(int status, String contentType, String body) {
            this(status, contentType, body, java.net.http.HttpHeaders.of(java.util.Map.of(), (name, value) -> true));
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** The first value of a response header, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final java.util.Map<String, String> headers;

    public HttpCalls(String base, String token) {
        this(base, token, java.util.Map.of());
    }

    private HttpCalls(String base, String token, java.util.Map<String, String> headers) {
        this.base = base;
        this.token = token;
        this.headers = headers;
    }

    public HttpCalls withToken(String other) {
        return new HttpCalls(base, other, headers);
    }

    public HttpCalls withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpCalls(base, token, more);
    }

    /**
     * A client acting as {@code person}: a personal token issued through the API with this client's token
     * (the admin token, in tests), as a person's own client would hold. The token's owner is who acts,
     * so this is how a test records a person's action. Scopes default to the API's (read, write).
     */
    public HttpCalls asPerson(String person, String... scopes) {
        return withToken(personalToken(person, scopes));
    }

    /** The secret of a new personal token for {@code person}, issued with this client's token. */
    public String personalToken(String person, String... scopes) {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", person + "-test-" + System.nanoTime());
        body.put("kind", "person");
        body.put("person", person);
        if (scopes.length > 0) {
            body.put("scopes", java.util.List.of(scopes));
        }
        Answer issued = postJson("/api/v1/tokens", body);
        if (issued.status() != 201) {
            throw new AssertionError("could not issue a token for " + person + ": " + issued.status() + " " + issued.body());
        }
        return issued.json().path("token").asString();
    }

    /** Resolves every open incident, so what an earlier test left open does not escalate into the next. */
    public void resolveAllOpen() {
        for (JsonNode i : get("/api/v1/incidents?open=true&limit=1000").json()) {
            postJson("/api/v1/incidents/" + i.path("id").asString().replace("INC-", "") + "/resolve", "{}");
        }
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer delete(String path) {
        return send(request(path).DELETE());
    }

    public Answer postJson(String path, Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    /** The same as {@link #putJson}. */
    public Answer put(String path, Object body) {
        return putJson(path, body);
    }

    public Answer putJson(String path, Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(text)));
    }

    public Answer post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Sends only the head of a POST that declares a body of {@code contentLength} bytes, and reads the
     * answer without sending the body: what a server that refuses from Content-Length answers. (Sending
     * a large body into a server that already answered and closed races the client's write against the
     * server's reset, which can throw the answer away.)
     */
    public Answer postDeclaring(String path, String contentType, long contentLength) {
        URI uri = URI.create(base + path);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + contentLength + "\r\nConnection: close\r\n");
            if (token != null) {
                head.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return RawHttp.read(socket.getInputStream());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return b;
    }

    private Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }
}
