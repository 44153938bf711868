package io.tocsin.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --server} and {@code --token} for commands that talk to a running Tocsin, and the call itself.
 * Who acts is the token's owner (the admin token, a person's own token, a service's): there is no
 * option to name someone else; a person uses their own token ({@code tocsin token create}).
 */
class ServerOptions {
    @Option(names = "--server", defaultValue = "${TOCSIN_SERVER:-http://localhost:8080}", description = "Server URL (env TOCSIN_SERVER; default ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", defaultValue = "${TOCSIN_TOKEN}", description = "API token (env TOCSIN_TOKEN; default: the contents of ./data/admin-token).")
    String token;

    /** @param next the cursor of the next page of a list (its {@code Link: rel="next"}), or null */
    record Reply(int status, String body, String next) {
    }

    String token() throws IOException {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        Path file = Path.of("data", "admin-token");
        return Files.isReadable(file) ? Files.readString(file).trim() : null;
    }

    /** No token to send: said as such, not as a server that cannot be reached (nothing was tried). */
    static final class NoToken extends IOException {
        NoToken() {
            super("no API token: pass --token, set TOCSIN_TOKEN, or run where ./data/admin-token exists");
        }
    }

    /**
     * Sends a request, or prints why it could not (no token; the server unreachable) and answers null:
     * the one place a command says so.
     */
    Reply sendOrSay(picocli.CommandLine.Model.CommandSpec spec, String method, String path, String jsonBody) throws InterruptedException {
        try {
            return send(method, path, jsonBody);
        } catch (NoToken e) {
            spec.commandLine().getErr().println(e.getMessage());
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach " + server + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return null;
    }

    /** Sends a request; null body means GET. Throws IOException when the server cannot be reached. */
    Reply send(String path, String jsonBody) throws IOException, InterruptedException {
        return send(jsonBody == null ? "GET" : "POST", path, jsonBody);
    }

    /** Sends a request with this method (a JSON body when not null). */
    Reply send(String method, String path, String jsonBody) throws IOException, InterruptedException {
        String apiToken = token();
        if (apiToken == null) {
            throw new NoToken();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiToken);
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().allValues("Link").stream()
                .map(ServerOptions::nextCursor).filter(java.util.Objects::nonNull).findFirst().orElse(null));
    }

    /** The cursor in {@code <...&cursor=X>; rel="next"}, or null. */
    static String nextCursor(String link) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<[^>]*[?&]cursor=([^&>]+)[^>]*>\\s*;\\s*rel=\"?next\"?").matcher(link);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null;
    }
}
