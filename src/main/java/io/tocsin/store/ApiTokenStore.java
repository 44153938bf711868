package io.tocsin.store;

import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API tokens, stored as SHA-256 hashes; the name is the actor recorded in the audit log. */
@Repository
public class ApiTokenStore {
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
        jdbc.sql("INSERT INTO api_token (name, token_hash, created_at) VALUES (?, ?, ?)")
                .params(name, hash, Timestamps.of(clock.instant())).update();
    }

    public Optional<String> nameOf(String token) {
        return jdbc.sql("SELECT name FROM api_token WHERE token_hash = ?").param(TokenHash.sha256(token))
                .query(String.class).optional();
    }

    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM api_token").query(Long.class).single();
    }
}
