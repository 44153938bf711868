package io.tocsin.store;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Repository;

/**
 * People's UI passwords for installations without an identity provider, kept as bcrypt hashes (cost
 * 12, a salt of their own): a password, unlike a token, has little entropy, so its hash must be slow.
 */
@Repository
public class PasswordStore {
    public static final int MIN_LENGTH = 12;
    /** bcrypt reads no further than 72 bytes; a longer password would be cut without a word. */
    public static final int MAX_BYTES = 72;

    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(12);
    /**
     * Compared against when a person has no password, so an unknown name costs as long as a wrong
     * password: a cost-12 hash like every stored one. Written out rather than computed at class load,
     * which took a second of the server's start on two cores (PasswordStoreTest checks it is one).
     */
    static final String NOBODY = "$2a$12$q9bySAWCjBuIwhrtP/XyFubcMa4LiT5PJqBZ2Df7ZqbEk5mvl03q6";

    private final JdbcClient jdbc;
    private final Clock clock;

    public PasswordStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What is wrong with a new password, if anything. */
    public static Optional<String> problem(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return Optional.of("at least " + MIN_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("at most " + MAX_BYTES + " bytes (bcrypt ignores the rest)");
        }
        return Optional.empty();
    }

    /** Sets (or replaces) the person's password; the caller has checked it with {@link #problem}. */
    public void set(String person, String password) {
        String hash = BCRYPT.encode(password);
        int updated = jdbc.sql("UPDATE person_password SET password_hash = ?, updated_at = ? WHERE person_id = ?")
                .params(hash, Timestamps.of(clock.instant()), person).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO person_password (person_id, password_hash, updated_at) VALUES (?, ?, ?)")
                    .params(person, hash, Timestamps.of(clock.instant())).update();
        }
    }

    public boolean has(String person) {
        return jdbc.sql("SELECT COUNT(*) FROM person_password WHERE person_id = ?").param(person).query(Long.class).single() > 0;
    }

    public boolean matches(String person, String password) {
        Optional<String> hash = jdbc.sql("SELECT password_hash FROM person_password WHERE person_id = ?").param(person)
                .query(String.class).optional();
        boolean ok = BCRYPT.matches(password == null ? "" : password, hash.orElse(NOBODY));
        return ok && hash.isPresent();
    }
}
