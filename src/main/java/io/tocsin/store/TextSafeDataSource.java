package io.tocsin.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Applies {@link StoredText} to every string bound to a statement, whichever repository, migration or
 * framework code binds it: the database boundary is the one place all text passes, so the rule holds
 * for every endpoint without each of them repeating it.
 */
public final class TextSafeDataSource extends DelegatingDataSource {
    TextSafeDataSource(DataSource target) {
        super(target);
    }

    @java.lang.Override
    public Connection getConnection() throws SQLException {
        return connection(super.getConnection());
    }

    @java.lang.Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connection(super.getConnection(username, password));
    }

    private static Connection connection(Connection target) {
        return proxy(Connection.class, target, (method, args) -> {
            Object result = method.invoke(target, args);
            if (result instanceof CallableStatement call) {
                return statement(CallableStatement.class, call);
            }
            if (result instanceof PreparedStatement ps) {
                return statement(PreparedStatement.class, ps);
            }
            return result;
        });
    }

    private static <S extends PreparedStatement> S statement(Class<S> type, S target) {
        return proxy(type, target, (method, args) -> {
            String name = method.getName();
            if (args != null && args.length >= 2 && args[1] instanceof String s
                    && (name.equals("setString") || name.equals("setNString") || name.equals("setObject"))) {
                args[1] = StoredText.of(s);
            }
            return method.invoke(target, args);
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
