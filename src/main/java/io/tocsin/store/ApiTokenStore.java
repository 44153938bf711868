package io.tocsin.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * API tokens, stored as SHA-256 hashes. A token is of one of three kinds, which decides who it acts
 * as ({@link Issued#actor()}): the bootstrap admin token, a person's own token, or a named service's.
 */
@Repository
public class ApiTokenStore {
    /** Who a token acts as. */
    public enum Kind {
        /** The token from first start (and every token issued before kinds existed): acts as "admin". */
        ADMIN,
        /** A person's own token: acts as that person, and only as them. */
        PERSON,
        /** Automation: acts as "service:NAME". */
        SERVICE;

        public String wire() {
            return name().toLowerCase();
        }
    }

    /**
     * What a token may do: {@code read} every GET, {@code write} every other call that changes incidents,
     * schedules and the like, {@code admin} what governs Tocsin itself (tokens of others, configuration
     * activation, switches, the audit log, passwords of others). Scopes do not imply each other.
     */
    public enum Scope {
        READ, WRITE, ADMIN;

        public String wire() {
            return name().toLowerCase();
        }

        public static Optional<Scope> parse(String s) {
            return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
        }
    }

    /** A token as it can be shown: never the token itself, nor its hash. */
    public record Issued(long id, String name, Instant createdAt, Kind kind, String person, Set<Scope> scopes,
                         Instant expiresAt) {
        /** The prefix of a service token's actor, so a service can never pass for a person of the same id. */
        public static final String SERVICE = "service:";

        /** The name the audit log and the timelines record for what this token does. */
        public String actor() {
            return switch (kind) {
                case ADMIN -> name;
                case PERSON -> person;
                case SERVICE -> SERVICE + name;
            };
        }

        public boolean may(Scope scope) {
            return scopes.contains(scope);
        }

        public boolean expiredAt(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** What to issue: the caller has checked the combination (a person token names a person, and so on). */
    public record Request(String name, Kind kind, String person, Set<Scope> scopes, Instant expiresAt) {
    }

    private static final String COLUMNS = "id, name, created_at, kind, person_id, scopes, expires_at";

    private static final RowMapper<Issued> ISSUED = (rs, i) -> new Issued(rs.getLong("id"), rs.getString("name"),
            Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)),
            Kind.valueOf(rs.getString("kind").toUpperCase()), rs.getString("person_id"), scopes(rs.getString("scopes")),
            rs.getObject("expires_at", OffsetDateTime.class) == null ? null
                    : Timestamps.toInstant(rs.getObject("expires_at", OffsetDateTime.class)));

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApiTokenStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Registers a known token as an admin token (the bootstrap one); nothing when it is stored already. */
    public void add(String name, String token) {
        if (findAny(token).isPresent()) {
            return;
        }
        insert(new Request(name, Kind.ADMIN, null, EnumSet.allOf(Scope.class), null), token);
    }

    /** A new random token; the token is returned once and only its hash is kept. */
    public String create(Request request) {
        String token = TokenHash.newToken();
        insert(request, token);
        return token;
    }

    private void insert(Request r, String token) {
        try {
            jdbc.sql("INSERT INTO api_token (name, token_hash, created_at, kind, person_id, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(r.name(), TokenHash.sha256(token), Timestamps.of(clock.instant()), r.kind().wire(), r.person(),
                            wire(r.scopes()), r.expiresAt() == null ? null : Timestamps.of(r.expiresAt()))
                    .update();
        } catch (org.springframework.dao.DuplicateKeyException addedMeanwhile) {
            // Nodes started together with the same configured admin token: another one stored it between
            // the look-up and this insert (the many-nodes harness saw a node refuse to start over it).
        }
    }

    public Optional<String> nameOf(String token) {
        return find(token).map(Issued::name);
    }

    /** The token, if it is stored and has not expired: what authenticates a request. */
    public Optional<Issued> find(String token) {
        Instant now = clock.instant();
        return findAny(token).filter(t -> !t.expiredAt(now));
    }

    private Optional<Issued> findAny(String token) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE token_hash = ?").param(TokenHash.sha256(token))
                .query(ISSUED).optional();
    }

    /** Whether a signed-in session's token still holds: stored and not expired. */
    public Optional<Issued> live(long id) {
        Instant now = clock.instant();
        return byId(id).filter(t -> !t.expiredAt(now));
    }

    public Optional<Issued> byId(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE id = ?").param(id).query(ISSUED).optional();
    }

    public List<Issued> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token ORDER BY id").query(ISSUED).list();
    }

    public List<Issued> ofPerson(String person) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_token WHERE kind = 'person' AND person_id = ? ORDER BY id")
                .param(person).query(ISSUED).list();
    }

    public enum Revocation { REVOKED, NO_SUCH_TOKEN, LAST_TOKEN }

    /**
     * Deletes the token, so from now on it authenticates nothing, unless it is the last admin token: then
     * nobody could manage tokens or activate configuration until a restart made a new one. Every admin
     * token row is locked first (in the caller's transaction), so two revocations at once cannot remove
     * the last two.
     */
    public Revocation revokeUnlessLast(long id) {
        Optional<Issued> token = byId(id);
        if (token.isEmpty()) {
            return Revocation.NO_SUCH_TOKEN;
        }
        if (token.get().kind() == Kind.ADMIN) {
            List<Long> admins = jdbc.sql("SELECT id FROM api_token WHERE kind = 'admin' ORDER BY id FOR UPDATE")
                    .query(Long.class).list();
            if (admins.size() == 1 && admins.contains(id)) {
                return Revocation.LAST_TOKEN;
            }
        }
        return jdbc.sql("DELETE FROM api_token WHERE id = ?").param(id).update() == 1 ? Revocation.REVOKED
                : Revocation.NO_SUCH_TOKEN;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM api_token").query(Long.class).single();
    }

    static Set<Scope> scopes(String wire) {
        Set<Scope> s = EnumSet.noneOf(Scope.class);
        for (String part : wire.split(",")) {
            Scope.parse(part.trim()).ifPresent(s::add);
        }
        return s;
    }

    static String wire(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wire).collect(Collectors.joining(","));
    }
}
