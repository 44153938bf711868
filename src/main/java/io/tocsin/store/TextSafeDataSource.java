package io.tocsin.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * The database boundary, the one place all statements pass, so its rules hold for every repository,
 * migration and framework call without each of them repeating them: every string bound to a statement
 * goes through {@link StoredText}; and on the embedded H2, once {@link H2Durability} has switched it on,
 * a commit (or a write outside a transaction) returns only once it is in the database file
 * ({@link StoreSync}), so nothing is answered 2xx that a {@code kill -9} could take back.
 */
public final class TextSafeDataSource extends DelegatingDataSource {
    /** What runs after a commit; nothing until the embedded store's group commit is switched on. */
    private volatile Runnable afterCommit = () -> {
    };

    TextSafeDataSource(DataSource target) {
        super(target);
    }

    /** Every commit through this data source waits for {@code sync} from now on. */
    void syncCommits(StoreSync sync) {
        afterCommit = sync::await;
    }

    @java.lang.Override
    public Connection getConnection() throws SQLException {
        return connection(super.getConnection());
    }

    @java.lang.Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connection(super.getConnection(username, password));
    }

    private Connection connection(Connection target) {
        return proxy(Connection.class, target, (method, args) -> {
            Object result = method.invoke(target, args);
            if (method.getName().equals("commit")) {
                afterCommit.run();
            }
            if (result instanceof CallableStatement call) {
                return statement(CallableStatement.class, call, target);
            }
            if (result instanceof PreparedStatement ps) {
                return statement(PreparedStatement.class, ps, target);
            }
            if (result instanceof Statement st) {
                return statement(Statement.class, st, target);
            }
            return result;
        });
    }

    private <S extends Statement> S statement(Class<S> type, S target, Connection connection) {
        return proxy(type, target, (method, args) -> {
            String name = method.getName();
            if (args != null && args.length >= 2 && args[1] instanceof String s
                    && (name.equals("setString") || name.equals("setNString") || name.equals("setObject"))) {
                args[1] = StoredText.of(s);
            }
            Object result = method.invoke(target, args);
            // A write outside a transaction commits by itself: it is as durable as a commit when it returns.
            if (name.startsWith("execute") && !name.equals("executeQuery") && !Boolean.TRUE.equals(result)
                    && connection.getAutoCommit()) {
                afterCommit.run();
            }
            return result;
        });
    }

    private interface Call {
        Object invoke(Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler handler = (self, method, args) -> {
            switch (method.getName()) {
                case "equals" -> {
                    return args[0] == self;
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                case "toString" -> {
                    return target.toString();
                }
                default -> {
                    try {
                        return call.invoke(method, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        };
        return (T) Proxy.newProxyInstance(TextSafeDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** Wraps the application's data source (and only once). */
    @Component
    static final class Wrapper implements BeanPostProcessor {
        @java.lang.Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            return bean instanceof DataSource ds && !(bean instanceof TextSafeDataSource) ? new TextSafeDataSource(ds) : bean;
        }
    }
}
