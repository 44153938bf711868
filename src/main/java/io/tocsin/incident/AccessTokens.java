package io.tocsin.incident;

import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.ApiTokenStore.Issued;
import io.tocsin.store.ApiTokenStore.Kind;
import io.tocsin.store.ApiTokenStore.Scope;
import io.tocsin.store.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issuing, listing and revoking API tokens, the same from the API, the CLI (through the API) and the
 * UI. A caller with the admin scope manages every token; any other manages its own: a person issues,
 * sees and revokes their own personal tokens (never with more scopes than they hold, never outliving
 * the token they use), a service sees and revokes only itself.
 */
@Service
public class AccessTokens {
    public static final int NAME_LENGTH = 200;
    /** A personal or service token expires unless told otherwise, so a forgotten one does not stay open for ever. */
    public static final int DEFAULT_DAYS = 90;
    public static final int MAX_DAYS = 3650;

    /** What a caller asks for; nulls take the defaults. */
    public record Ask(String name, String kind, String person, List<String> scopes, Integer expiresInDays) {
    }

    /** Bad input: every invalid field at once, field to message (400). */
    public static final class Invalid extends RuntimeException {
        public final Map<String, String> fields;

        Invalid(Map<String, String> fields) {
            super(fields.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining("; ")));
            this.fields = Map.copyOf(fields);
        }
    }

    /** Input the caller may not give (403), naming its field. */
    public static final class Refused extends RuntimeException {
        public final String field;

        Refused(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** A new token: shown once. */
    public record New(Issued issued, String token) {
    }

    public enum Revoked { REVOKED, NOT_FOUND, LAST_ADMIN }

    private final ApiTokenStore tokens;
    private final IncidentEngine engine;
    private final AuditLog audit;
    private final Clock clock;

    public AccessTokens(ApiTokenStore tokens, IncidentEngine engine, AuditLog audit, Clock clock) {
        this.tokens = tokens;
        this.engine = engine;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * What a person signed in with a password holds: what a personal read/write token would, so they
     * manage their own tokens the same way. It is not stored and authenticates nothing.
     */
    public static Issued passwordSession(String person) {
        return new Issued(-1, person, null, Kind.PERSON, person, EnumSet.of(Scope.READ, Scope.WRITE), null);
    }

    /**
     * Whether {@code caller} manages other people's tokens and passwords: the admin scope, and for a
     * person the admin role too ({@link Permissions}).
     */
    public static boolean administers(io.tocsin.config.Organisation organisation, Issued caller) {
        return Permissions.check(organisation, caller, Permissions.Action.ADMINISTER, Set.of()).isEmpty();
    }

    public List<Issued> visibleTo(Issued caller) {
        return tokens.list().stream().filter(t -> mayManage(caller, t)).toList();
    }

    @Transactional
    public New issue(Issued caller, String actor, String via, Ask ask) {
        ApiTokenStore.Request request = request(caller, ask);
        String token = tokens.create(request);
        Issued issued = tokens.find(token).orElseThrow();
        audit.record(actor, via, "token.issue", "token/" + issued.id(), null, auditView(issued), null);
        return new New(issued, token);
    }

    @Transactional
    public Revoked revoke(Issued caller, String actor, String via, long id) {
        Issued token = tokens.byId(id).filter(t -> mayManage(caller, t)).orElse(null);
        if (token == null) {
            return Revoked.NOT_FOUND;
        }
        switch (tokens.revokeUnlessLast(id)) {
            case NO_SUCH_TOKEN -> {
                return Revoked.NOT_FOUND;
            }
            case LAST_TOKEN -> {
                return Revoked.LAST_ADMIN;
            }
            case REVOKED -> { }
        }
        audit.record(actor, via, "token.revoke", "token/" + id, auditView(token), null, null);
        return Revoked.REVOKED;
    }

    public java.util.Optional<Issued> byId(Issued caller, long id) {
        return tokens.byId(id).filter(t -> mayManage(caller, t));
    }

    /** Checks a request as {@link #issue} would, issuing nothing: {@link Invalid} or {@link Refused}, or it is right. */
    public void check(Issued caller, Ask ask) {
        request(caller, ask);
    }

    /**
     * Checks the whole request against what the caller may issue, and says what it would be: every
     * invalid field at once, then what the caller may not ask for.
     */
    ApiTokenStore.Request request(Issued caller, Ask ask) {
        Map<String, String> invalid = new LinkedHashMap<>();
        checkShape(ask, invalid::put);
        String name = ask.name() == null ? "" : ask.name().trim();
        String person = ask.person() == null || ask.person().isBlank() ? null : ask.person().trim();
        Kind kind = null;
        if (ask.kind() == null || ask.kind().isBlank()) {
            // a person's own token names nobody: it is theirs
            kind = person != null || caller.kind() == Kind.PERSON ? Kind.PERSON : Kind.SERVICE;
        } else if ("person".equals(ask.kind())) {
            kind = Kind.PERSON;
        } else if ("service".equals(ask.kind())) {
            kind = Kind.SERVICE;
        }
        if (kind == Kind.PERSON) {
            if (person == null && caller.kind() == Kind.PERSON) {
                person = caller.person();
            }
            if (person == null) {
                invalid.put("person", "required for a personal token: whose it is (id or e-mail)");
            } else {
                String wanted = person;
                person = Actors.person(engine.organisation(), wanted).orElse(null);
                if (person == null) {
                    invalid.put("person", "no person \"" + wanted + "\" in the organisation");
                }
            }
        } else if (kind == Kind.SERVICE && person != null) {
            invalid.put("person", "a service token acts as itself (service:" + name + "); leave person out");
        }
        Set<Scope> scopes = scopes(ask);
        int days = ask.expiresInDays() == null ? DEFAULT_DAYS : ask.expiresInDays();
        if (!invalid.isEmpty()) {
            throw new Invalid(invalid);
        }
        if (!administers(engine.organisation(), caller) && (caller.kind() != Kind.PERSON || kind != Kind.PERSON || !caller.person().equals(person))) {
            throw new Refused("person", "only an admin (the admin scope, and for a person the admin role) issues tokens for others;"
                    + " anyone else issues personal tokens of their own");
        }
        if (!caller.scopes().containsAll(scopes)) {
            throw new Refused("scopes", "a token cannot issue scopes it does not hold itself");
        }
        Instant expires = clock.instant().plus(Duration.ofDays(days));
        if (caller.expiresAt() != null && expires.isAfter(caller.expiresAt())) {
            // a token cannot outlive the one that made it, or a leaked short-lived token could mint a long one
            expires = caller.expiresAt();
        }
        return new ApiTokenStore.Request(name, kind, person, scopes, expires);
    }

    /** The checks of a request that need no caller (name, kind, scopes, expiry), each problem to {@code invalid}. */
    private static void checkShape(Ask ask, java.util.function.BiConsumer<String, String> invalid) {
        String name = ask.name() == null ? "" : ask.name().trim();
        if (name.isEmpty()) {
            invalid.accept("name", "required: who or what the token is for (the audit log names it)");
        } else if (name.length() > NAME_LENGTH) {
            invalid.accept("name", "longer than " + NAME_LENGTH + " characters");
        }
        if (ask.kind() != null && !ask.kind().isBlank() && !"person".equals(ask.kind()) && !"service".equals(ask.kind())) {
            invalid.accept("kind", "person or service (the admin token comes only from first start)");
        }
        for (String s : ask.scopes() == null ? List.<String>of() : ask.scopes()) {
            if (Scope.parse(s == null ? "" : s.trim()).isEmpty()) {
                invalid.accept("scopes", "\"" + s + "\" is not a scope (read, write, admin)");
                break;
            }
        }
        if (ask.scopes() != null && ask.scopes().isEmpty()) {
            invalid.accept("scopes", "at least one of read, write, admin");
        }
        int days = ask.expiresInDays() == null ? DEFAULT_DAYS : ask.expiresInDays();
        if (days < 1 || days > MAX_DAYS) {
            invalid.accept("expires_in_days", "from 1 to " + MAX_DAYS);
        }
    }

    private static Set<Scope> scopes(Ask ask) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ask.scopes() == null ? List.of("read", "write") : ask.scopes()) {
            Scope.parse(s == null ? "" : s.trim()).ifPresent(scopes::add);
        }
        return scopes;
    }

    boolean mayManage(Issued caller, Issued token) {
        if (administers(engine.organisation(), caller)) {
            return true;
        }
        return caller.kind() == Kind.PERSON
                ? token.kind() == Kind.PERSON && caller.person().equals(token.person())
                : token.id() == caller.id();
    }

    /** A token as the API and the UI show it: never its secret or hash. */
    public Map<String, Object> view(Issued t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("kind", t.kind().wire());
        m.put("person", t.person());
        m.put("actor", t.actor());
        m.put("scopes", t.scopes().stream().map(Scope::wire).toList());
        m.put("created_at", t.createdAt());
        m.put("expires_at", t.expiresAt());
        m.put("expired", t.expiredAt(clock.instant()));
        return m;
    }

    private Map<String, Object> auditView(Issued t) {
        Map<String, Object> m = view(t);
        m.remove("expired");
        m.values().removeIf(java.util.Objects::isNull);
        return m;
    }
}
