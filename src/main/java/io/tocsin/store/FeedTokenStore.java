package io.tocsin.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Unguessable tokens for iCal feeds: a calendar app cannot send an Authorization header, so the token is in the URL. */
@Repository
public class FeedTokenStore {
    public enum Kind { SCHEDULE, PERSON }

    /** A feed as it can be listed: what it shows, never its token. */
    public record Feed(long id, Kind kind, String subject, Instant createdAt) {
    }

    private static final RowMapper<Feed> FEED = (rs, i) -> new Feed(rs.getLong("id"), Kind.valueOf(rs.getString("kind")),
            rs.getString("subject"), Timestamps.toInstant(rs.getObject("created_at", OffsetDateTime.class)));

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

    public List<Feed> list() {
        return jdbc.sql("SELECT id, kind, subject, created_at FROM feed_token ORDER BY id").query(FEED).list();
    }

    public Optional<Feed> byId(long id) {
        return jdbc.sql("SELECT id, kind, subject, created_at FROM feed_token WHERE id = ?").param(id).query(FEED).optional();
    }

    /** Deletes the feed's token: its URL answers 404 from now on. */
    public boolean revoke(long id) {
        return jdbc.sql("DELETE FROM feed_token WHERE id = ?").param(id).update() > 0;
    }
}
