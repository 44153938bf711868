package io.tocsin.api;

import io.tocsin.store.DatabaseAvailability;
import io.tocsin.store.DatabaseFailures;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * While the database is unreachable every request that needs it is answered 503 with Retry-After at
 * once, instead of each one waiting for a connection: a monitor retries, and nothing it sent is
 * answered 2xx unless it was stored. Health, metrics and static files still answer. A failure to
 * reach the database that surfaces below (in the token check of the security filters, say) is
 * answered the same way and tells everyone after it.
 */
final class DatabaseGate implements Filter {
    /** These never touch the database. */
    private static final List<String> OPEN = List.of("/actuator/", "/css/", "/webjars/", "/favicon.ico", "/api/v1/config/schema");

    private final DatabaseAvailability availability;

    DatabaseGate(DatabaseAvailability availability) {
        this.availability = availability;
    }

    @java.lang.Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (OPEN.stream().anyMatch(path::startsWith)) {
            chain.doFilter(request, response);
            return;
        }
        if (!availability.isUp()) {
            unavailable(response, availability.retryAfterSeconds());
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!DatabaseFailures.isUnavailable(e) || response.isCommitted()) {
                throw e;
            }
            availability.unreachable(e);
            response.reset();
            unavailable(response, availability.retryAfterSeconds());
        }
    }

    static void unavailable(HttpServletResponse response, long retryAfter) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(retryAfter));
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"https://tocsin.io/problems/database-unavailable\",\"title\":\"Database unavailable\","
                + "\"status\":503,\"detail\":\"Tocsin cannot reach its database; nothing was stored. Retry in " + retryAfter + " s.\"}");
    }
}
