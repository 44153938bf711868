package io.tocsin.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API tokens, stored as SHA-256 hashes; the name is the actor recorded in the audit log. */
@Repository
public class ApiTokenStore {
    /** A token as it can be shown: never the token itself, nor its hash. */
    public record Issued(long id, String name, Instant createdAt) {
    }

    private static final RowMapper<Issued> ISSUED = (rs, i) -> new Issued(rs.getLong("id"), rs.getString("name"),
            Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)));

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApiTokenStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void add(String name, String token) {
        String hash = TokenHash.sha256(token);
        if (nameOf(token).isPresent()) {
            return;
        }
        try {
            jdbc.sql("INSERT INTO api_token (name, token_hash, created_at) VALUES (?, ?, ?)")
                    .params(name, hash, Timestamps.of(clock.instant())).update();
        } catch (org.springframework.dao.DuplicateKeyException addedMeanwhile) {
            // Nodes started together with the same configured admin token: another one stored it between
            // the look-up and this insert (the many-nodes harness saw a node refuse to start over it).
        }
    }

    /** A new random token under {@code name}; the token is returned once and only its hash is kept. */
    public String create(String name) {
        String token = TokenHash.newToken();
        add(name, token);
        return token;
    }

    public Optional<String> nameOf(String token) {
        return find(token).map(Issued::name);
    }

    public Optional<Issued> find(String token) {
        return jdbc.sql("SELECT id, name, created_at FROM api_token WHERE token_hash = ?").param(TokenHash.sha256(token))
                .query(ISSUED).optional();
    }

    public Optional<Issued> byId(long id) {
        return jdbc.sql("SELECT id, name, created_at FROM api_token WHERE id = ?").param(id).query(ISSUED).optional();
    }

    public List<Issued> list() {
        return jdbc.sql("SELECT id, name, created_at FROM api_token ORDER BY id").query(ISSUED).list();
    }

    public enum Revocation { REVOKED, NO_SUCH_TOKEN, LAST_TOKEN }

    /**
     * Deletes the token, so from now on it authenticates nothing, unless it is the last one: then nobody
     * could reach the API, the UI or the CLI until a restart made a new admin token. Every token row is
     * locked first (in the caller's transaction), so two revocations at once cannot remove the last two.
     */
    public Revocation revokeUnlessLast(long id) {
        List<Long> ids = jdbc.sql("SELECT id FROM api_token ORDER BY id FOR UPDATE").query(Long.class).list();
        if (!ids.contains(id)) {
            return Revocation.NO_SUCH_TOKEN;
        }
        if (ids.size() == 1) {
            return Revocation.LAST_TOKEN;
        }
        jdbc.sql("DELETE FROM api_token WHERE id = ?").param(id).update();
        return Revocation.REVOKED;
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM api_token").query(Long.class).single();
    }
}
