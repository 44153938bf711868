package io.tocsin.api;

import io.tocsin.store.DatabaseAvailability;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * The filters every request passes first, in this order: its body is read without a thread
 * ({@link WholeBodyFilter}), then it is answered 503 at once if the database is unreachable
 * ({@link DatabaseGate}). Tomcat's own limits (connection and keep-alive timeouts, connections,
 * threads, header size) are the {@code server.tomcat.*} settings in application.yaml.
 */
@Configuration
class ServletFilters {
    /** Before any other filter, so no request holds a thread while its body trickles in. */
    @Bean
    FilterRegistrationBean<WholeBodyFilter> wholeBodies(RequestLimits limits,
                                                        @Value("${tocsin.http.max-body-size:4MB}") DataSize maxBody,
                                                        @Value("${tocsin.http.body-timeout:30s}") Duration timeout,
                                                        @Value("${tocsin.http.body-memory:64MB}") DataSize memory) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("tocsin.http.body-timeout must be positive");
        }
        FilterRegistrationBean<WholeBodyFilter> registration = new FilterRegistrationBean<>(
                new WholeBodyFilter(maxBody.toBytes(), limits::bodyLimit, timeout, memory.toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** Right after the body is in and before security, whose token check is the first to need the database. */
    @Bean
    FilterRegistrationBean<DatabaseGate> databaseGate(DatabaseAvailability availability) {
        FilterRegistrationBean<DatabaseGate> registration = new FilterRegistrationBean<>(new DatabaseGate(availability));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
