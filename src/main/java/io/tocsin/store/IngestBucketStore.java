package io.tocsin.store;

import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Token buckets shared by every node: one row per integration key (its hash), holding the tokens left
 * at the instant it was last refilled. Taking tokens is one conditional UPDATE that refills by the
 * time elapsed and takes in the same statement, so two nodes can never both take the last token, and
 * nothing is locked between statements. Times are epoch milliseconds so the arithmetic is the same
 * SQL on H2 and PostgreSQL.
 */
@Repository
public class IngestBucketStore {
    /** A bucket's shape: at most {@code capacity} tokens, refilled at {@code perMilli} tokens a millisecond. */
    public record Shape(double capacity, double perMilli) {
    }

    private final JdbcClient jdbc;

    public IngestBucketStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes {@code n} tokens if the bucket holds that many at {@code nowMillis}; a key seen for the first time starts full. */
    public boolean take(String keyHash, int n, long nowMillis, Shape shape) {
        if (takeExisting(keyHash, n, nowMillis, shape)) {
            return true;
        }
        if (n > shape.capacity()) {
            return false;
        }
        if (available(keyHash, nowMillis, shape).isPresent()) {
            // Made by another request between our take and this look (the key's first two requests at
            // once, on one node or two): take from it, rather than refuse the second request of a full bucket.
            return takeExisting(keyHash, n, nowMillis, shape);
        }
        try {
            jdbc.sql("INSERT INTO ingest_bucket (key_hash, tokens, refilled_ms) VALUES (?, ?, ?)")
                    .params(keyHash, shape.capacity() - n, nowMillis).update();
            return true;
        } catch (DuplicateKeyException anotherNodeFirst) {
            return takeExisting(keyHash, n, nowMillis, shape);
        }
    }

    /** The tokens the bucket holds at {@code nowMillis}, empty when the key has none yet (it starts full). */
    public Optional<Double> available(String keyHash, long nowMillis, Shape shape) {
        return jdbc.sql("SELECT tokens, refilled_ms FROM ingest_bucket WHERE key_hash = ?").param(keyHash)
                .query((rs, i) -> Math.min(shape.capacity(),
                        rs.getDouble(1) + Math.max(0, nowMillis - rs.getLong(2)) * shape.perMilli()))
                .optional();
    }

    private boolean takeExisting(String keyHash, int n, long nowMillis, Shape shape) {
        // The refilled level, written once for the SET and once for the condition: both see the row as it was.
        // The rate is cast: H2 types a bare parameter beside a BIGINT as a short decimal, and a slow rate
        // (3 an hour is 8.3e-7 a millisecond) lost digits there, so the bucket refilled later than available() said.
        String level = "LEAST(CAST(:capacity AS DOUBLE PRECISION), tokens + GREATEST(CAST(0 AS BIGINT), :now - refilled_ms) "
                + "* CAST(:rate AS DOUBLE PRECISION))";
        return jdbc.sql("UPDATE ingest_bucket SET tokens = " + level + " - :n, refilled_ms = GREATEST(refilled_ms, :now) "
                        + "WHERE key_hash = :key AND " + level + " >= :n")
                .param("capacity", shape.capacity()).param("now", nowMillis).param("rate", shape.perMilli()).param("n", n)
                .param("key", keyHash).update() == 1;
    }
}
