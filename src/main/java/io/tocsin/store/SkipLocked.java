package io.tocsin.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * "The first few rows that match, locked, skipping those another transaction holds", in two steps.
 * H2 locks every row a {@code SELECT ... FOR UPDATE} matches before it applies the LIMIT (PostgreSQL
 * stops at the limit), so one query over a queue cost as much as the queue was long: in a storm,
 * every lease of one delivery read and locked thousands of waiting ones. Here the rows are found
 * first without a lock, in the order of an index, reading no more than the limit; then only those
 * are locked by key, with the condition checked again on each locked row (one another node took
 * meanwhile no longer matches and is left out, so the result can be shorter than the limit, never
 * wrong). Both databases run the same statements.
 */
final class SkipLocked {
    private SkipLocked() {
    }

    /**
     * Up to {@code limit} rows of {@code table} where {@code condition} holds (its {@code ?} bound to
     * {@code params}), in {@code order}, locked for the caller's transaction. {@code key} is the
     * table's primary key column; {@code columns} what is read of each row.
     */
    static <T> List<T> first(JdbcClient jdbc, String table, String key, String columns, String condition, List<?> params, String order,
                             int limit, RowMapper<T> mapper) {
        List<Object> find = new ArrayList<>(params);
        find.add(limit);
        List<Long> keys = jdbc.sql("SELECT " + key + " FROM " + table + " WHERE " + condition + " ORDER BY " + order + " LIMIT ?")
                .params(find).query(Long.class).list();
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Object> lock = new ArrayList<>(keys);
        lock.addAll(params);
        // No ORDER BY here: with one, H2 would walk the ordering index (all of the queue) instead of
        // looking the few keys up; the order found above is restored below.
        java.util.Map<Long, T> locked = new java.util.HashMap<>();
        // the key last, so a mapper reading columns by position reads them where it expects them
        jdbc.sql("SELECT " + columns + ", " + key + " AS skip_locked_key FROM " + table + " WHERE " + key + " IN ("
                        + String.join(", ", Collections.nCopies(keys.size(), "?")) + ") AND " + condition + " FOR UPDATE SKIP LOCKED")
                .params(lock).query(rs -> {
                    locked.put(rs.getLong("skip_locked_key"), mapper.mapRow(rs, rs.getRow()));
                });
        return keys.stream().filter(locked::containsKey).map(locked::get).toList();
    }
}
