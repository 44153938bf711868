package io.tocsin.api;

import io.tocsin.incident.AccessTokens;
import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.AuditLog;
import io.tocsin.store.FeedTokenStore;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who holds access: the API tokens and the iCal feed tokens, listed without their secrets, issued and
 * revoked. A token is only ever shown once, when it is issued; the store keeps its hash. Whose tokens a
 * caller manages is {@link AccessTokens}' rule, the same in the UI.
 */
@RestController
class TokenController {
    /** Checked by {@link AccessTokens} against the caller and the organisation, with the keys it should not have. */
    record NewToken(String name, String kind, String person, List<String> scopes, Integer expiresInDays) implements FieldErrors.Deferred {
        AccessTokens.Ask ask() {
            return new AccessTokens.Ask(name, kind, person, scopes, expiresInDays);
        }
    }

    private final AccessTokens access;
    private final FeedTokenStore feeds;
    private final AuditLog audit;

    TokenController(AccessTokens access, FeedTokenStore feeds, AuditLog audit) {
        this.access = access;
        this.feeds = feeds;
        this.audit = audit;
    }

    @GetMapping("/api/v1/tokens")
    List<Map<String, Object>> tokens(Principal principal) {
        return access.visibleTo(caller(principal)).stream().map(access::view).toList();
    }

    @PostMapping("/api/v1/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> issue(@RequestBody NewToken body, Principal principal) {
        FieldErrors unknown = RequestBodies.unknownKeys();
        if (!unknown.isEmpty()) {
            // every invalid field at once: the request's own findings with the keys it should not have
            try {
                access.check(caller(principal), body.ask());
            } catch (AccessTokens.Invalid e) {
                e.fields.forEach(unknown::add);
            } catch (AccessTokens.Refused e) {
                // what the caller may not ask for is said once the request itself is right
            }
            unknown.throwIfAny();
        }
        AccessTokens.New issued;
        try {
            issued = access.issue(caller(principal), principal.getName(), "api",
                    body.ask());
        } catch (AccessTokens.Invalid e) {
            FieldErrors errors = new FieldErrors();
            e.fields.forEach(errors::add);
            errors.throwIfAny();
            throw e;
        } catch (AccessTokens.Refused e) {
            throw new ForbiddenException(e.field, e.getMessage());
        }
        Map<String, Object> answer = access.view(issued.issued());
        answer.put("token", issued.token());
        return answer;
    }

    @DeleteMapping("/api/v1/tokens/{id}")
    Map<String, Object> revoke(@PathVariable long id, Principal principal) {
        ApiTokenStore.Issued token = access.byId(caller(principal), id).orElseThrow(() -> new NotFoundException("no API token " + id));
        switch (access.revoke(caller(principal), principal.getName(), "api", id)) {
            case NOT_FOUND -> throw new NotFoundException("no API token " + id);
            case LAST_ADMIN -> throw new ConflictException("API token " + id
                    + " is the last one of the admin kind; it stays so that someone can always manage Tocsin");
            case REVOKED -> { }
        }
        return Map.of("id", id, "name", token.name(), "revoked", true);
    }

    private static ApiTokenStore.Issued caller(Principal principal) {
        return ApiSecurity.caller(principal).orElseThrow();
    }

    @GetMapping("/api/v1/feeds")
    List<Map<String, Object>> feeds() {
        return feeds.list().stream().map(TokenController::feed).toList();
    }

    @DeleteMapping("/api/v1/feeds/{id}")
    @Transactional
    Map<String, Object> revokeFeed(@PathVariable long id, Principal principal) {
        FeedTokenStore.Feed feed = feeds.byId(id).orElseThrow(() -> new NotFoundException("no feed " + id));
        feeds.revoke(id);
        audit.record(principal.getName(), "api", "feed.revoke", feed.kind().name().toLowerCase() + "/" + feed.subject(),
                java.util.Map.of("feed", id), null, null);
        Map<String, Object> answer = feed(feed);
        answer.put("revoked", true);
        return answer;
    }

    private static Map<String, Object> feed(FeedTokenStore.Feed f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("kind", f.kind().name().toLowerCase());
        m.put("subject", f.subject());
        m.put("path", FeedController.path(f.kind(), f.subject()));
        m.put("created_at", f.createdAt());
        return m;
    }
}
