package io.tocsin.api;

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
 * revoked. A token is only ever shown once, when it is issued; the store keeps its hash.
 */
@RestController
class TokenController {
    static final int NAME_LENGTH = 200;

    record NewToken(String name) implements FieldErrors.Checked {
        @java.lang.Override
        public void check(FieldErrors errors) {
            if (name == null || name.isBlank()) {
                errors.add("name", "required: who or what the token is for (the audit log names it)");
            } else if (name.trim().length() > NAME_LENGTH) {
                errors.add("name", "longer than " + NAME_LENGTH + " characters");
            }
        }
    }

    private final ApiTokenStore apiTokens;
    private final FeedTokenStore feeds;
    private final AuditLog audit;

    TokenController(ApiTokenStore apiTokens, FeedTokenStore feeds, AuditLog audit) {
        this.apiTokens = apiTokens;
        this.feeds = feeds;
        this.audit = audit;
    }

    @GetMapping("/api/v1/tokens")
    List<ApiTokenStore.Issued> tokens() {
        return apiTokens.list();
    }

    @PostMapping("/api/v1/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Map<String, Object> issue(@RequestBody NewToken body, Principal principal) {
        String name = body.name() == null ? "" : body.name().trim();
        if (name.isEmpty()) {
            throw new BadRequestException("name", "required: who or what the token is for (the audit log names it)");
        }
        if (name.length() > NAME_LENGTH) {
            throw new BadRequestException("name", "longer than " + NAME_LENGTH + " characters");
        }
        String token = apiTokens.create(name);
        ApiTokenStore.Issued issued = apiTokens.find(token).orElseThrow();
        audit.record(principal.getName(), "api", "token.issue", "token/" + issued.id(), null, java.util.Map.of("name", name), null);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", issued.id());
        answer.put("name", issued.name());
        answer.put("created_at", issued.createdAt());
        answer.put("token", token);
        return answer;
    }

    @DeleteMapping("/api/v1/tokens/{id}")
    @Transactional
    Map<String, Object> revoke(@PathVariable long id, Principal principal) {
        ApiTokenStore.Issued token = apiTokens.byId(id).orElseThrow(() -> new NotFoundException("no API token " + id));
        switch (apiTokens.revokeUnlessLast(id)) {
            case NO_SUCH_TOKEN -> throw new NotFoundException("no API token " + id);
            case LAST_TOKEN -> throw new ConflictException("API token " + id
                    + " is the last one; issue another (POST /api/v1/tokens) before revoking it");
            case REVOKED -> { }
        }
        audit.record(principal.getName(), "api", "token.revoke", "token/" + id, java.util.Map.of("name", token.name()), null, null);
        return Map.of("id", id, "name", token.name(), "revoked", true);
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
