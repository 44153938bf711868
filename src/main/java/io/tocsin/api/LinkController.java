package io.tocsin.api;

import io.tocsin.config.ActiveConfiguration;
import io.tocsin.engine.Command;
import io.tocsin.incident.Incidents;
import io.tocsin.notify.AckLinks;
import io.tocsin.incident.Redaction;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The acknowledge and resolve links in every page. Opening a link shows one button; pressing it
 * acts. The GET never changes anything, because mail scanners and chat unfurlers open links on
 * their own and must not acknowledge a page nobody has read.
 */
@RestController
class LinkController {
    private final AckLinks links;
    private final Incidents incidents;
    private final ActiveConfiguration config;

    LinkController(AckLinks links, Incidents incidents, ActiveConfiguration config) {
        this.links = links;
        this.incidents = incidents;
        this.config = config;
    }

    @GetMapping(value = "/links/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> show(@PathVariable String token) {
        return links.verify(token).map(c -> {
            // Whoever holds the link sees this page without an API token: it shows what a page may show, no more.
            String title = incidents.find(c.incidentId()).map(i -> i.number() + " " + i.severity() + " on " + i.serviceId() + ": "
                    + Redaction.forIncident(config.current(), i).text(i.summary()) + " (" + i.status().toLowerCase() + ")")
                    .orElse("INC-" + c.incidentId());
            String verb = "resolve".equals(c.action()) ? "Resolve" : "Acknowledge";
            return ResponseEntity.ok(page(title, "<form method=\"post\"><button type=\"submit\" class=\"primary big\">"
                    + verb + " as " + HtmlUtils.htmlEscape(c.personId()) + "</button></form>"));
        }).orElseGet(LinkController::invalid);
    }

    @PostMapping(value = "/links/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> act(@PathVariable String token) {
        return links.verify(token).map(c -> {
            Command command = "resolve".equals(c.action()) ? new Command.Resolve(c.personId()) : new Command.Acknowledge(c.personId());
            return incidents.command(c.incidentId(), command, c.personId(), "link")
                    .map(r -> ResponseEntity.ok(page(r.incident().number() + " is " + r.incident().status().toLowerCase(),
                            "<p>" + HtmlUtils.htmlEscape(Redaction.forIncident(config.current(), r.incident())
                                    .text(r.changed() ? c.action() + "d by " + c.personId() : "no change: " + r.message())) + "</p>")))
                    .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_HTML)
                            .body(page("No such incident", "")));
        }).orElseGet(LinkController::invalid);
    }

    /**
     * A link that is forged, altered or expired proves nobody: 401, as every other request whose
     * credentials do not check out (the signature is the link's credential; 403 would mean "you are
     * known but may not"). The other way in is an API token, hence the Bearer challenge.
     */
    private static ResponseEntity<String> invalid() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer").contentType(MediaType.TEXT_HTML)
                .body(page("This link is not valid", "<p>It has expired or was altered. Use the CLI, the API or the UI.</p>"));
    }

    /** Styled by the UI's stylesheet, never inline: the API's Content-Security-Policy allows no inline style. */
    private static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>Tocsin</title><link rel=\"stylesheet\" href=\"/css/tocsin.css\"></head><body><main class=\"narrow link-page\"><h1>"
                + HtmlUtils.htmlEscape(title) + "</h1>" + body + "</main></body></html>";
    }
}
