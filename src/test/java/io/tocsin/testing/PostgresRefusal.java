package io.tocsin.testing;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * PostgreSQL refuses some rows while this is open: a trigger that raises an error on {@code event}
 * (like {@code BEFORE INSERT ON notification}) for the rows {@code when} matches. How a test makes one
 * write fail for real, in the database, while every other write goes through; closing drops it.
 */
public final class PostgresRefusal implements AutoCloseable {
    private final JdbcTemplate sql;
    private final String name;
    private final String table;

    private PostgresRefusal(JdbcTemplate sql, String name, String table) {
        this.sql = sql;
        this.name = name;
        this.table = table;
    }

    /** {@code event}: {@code BEFORE INSERT} or {@code BEFORE UPDATE}; {@code when}: a trigger condition on NEW and OLD. */
    public static PostgresRefusal of(DataSource dataSource, String name, String event, String table, String when) {
        JdbcTemplate sql = new JdbcTemplate(dataSource);
        sql.execute("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'refused by the test'; END $$");
        sql.execute("CREATE TRIGGER " + name + " " + event + " ON " + table + " FOR EACH ROW WHEN (" + when + ") EXECUTE FUNCTION "
                + name + "()");
        return new PostgresRefusal(sql, name, table);
    }

    @Override
    public void close() {
        sql.execute("DROP TRIGGER " + name + " ON " + table);
        sql.execute("DROP FUNCTION " + name + "()");
    }
}
