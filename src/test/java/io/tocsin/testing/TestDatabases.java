package io.tocsin.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The two databases every persistence test runs on. PostgreSQL is the real server at 127.0.0.1:5432
 * (database {@code test}); each test class gets its own schema. With CI=true a missing PostgreSQL
 * fails the run; elsewhere those tests are skipped with the reason.
 */
public final class TestDatabases {
    public static final String PG_BASE = System.getenv().getOrDefault("TOCSIN_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("TOCSIN_TEST_PG_USER", "postgres");

    public enum Kind { H2, POSTGRES }

    public record Target(Kind kind, String url, String user, String password) {
        @java.lang.Override
        public String toString() {
            return kind.name();
        }
    }

    private TestDatabases() {
    }

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static Target h2() {
        return new Target(Kind.H2, "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** A fresh schema on the real PostgreSQL; fails under CI and skips elsewhere when it is not running. */
    public static Target postgres() {
        requirePostgres();
        String schema = "tocsin_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema on PostgreSQL", e);
        }
        String sep = PG_BASE.contains("?") ? "&" : "?";
        return new Target(Kind.POSTGRES, PG_BASE + sep + "currentSchema=" + schema, PG_USER, "");
    }

    /** Points the Spring context under test at this database. */
    public static void use(org.springframework.test.context.DynamicPropertyRegistry registry, Target db) {
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    public static void requirePostgres() {
        try (Connection c = DriverManager.getConnection(PG_BASE, PG_USER, "")) {
            c.isValid(2);
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + PG_BASE + " as " + PG_USER + ": " + e.getMessage();
            if (ci()) {
                Assertions.fail(why + " (CI=true: PostgreSQL tests are mandatory)");
            }
            Assumptions.abort(why);
        }
    }
}
