package io.tocsin.store;

import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Unguessable tokens for iCal feeds: a calendar app cannot send an Authorization header, so the token is in the URL. */
@Repository
public class FeedTokenStore {
    public enum Kind { SCHEDULE, PERSON }

    private final JdbcClient jdbc;
    private final Clock clock;

    public FeedTokenStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates a token for the feed and returns it; only its hash is kept. */
    public String issue(Kind kind, String subject) {
        String token = TokenHash.newToken();
        jdbc.sql("INSERT INTO feed_token (kind, subject, token_hash, created_at) VALUES (?, ?, ?, ?)")
                .params(kind.name(), subject, TokenHash.sha256(token), Timestamps.of(clock.instant())).update();
        return token;
    }

    public boolean grants(Kind kind, String subject, String token) {
        if (token == null || token.isBlank()) {
            return false;
        }
        Optional<String> found = jdbc.sql("SELECT subject FROM feed_token WHERE token_hash = ? AND kind = ?")
                .params(TokenHash.sha256(token), kind.name()).query(String.class).optional();
        return found.map(subject::equals).orElse(false);
    }
}
