package io.tocsin.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Events refused at the door, by integration: {@code tocsin_events_total{outcome="refused"}} (a 4xx:
 * bad payload, unknown key, disabled service), {@code "throttled"} (over the key's rate) and
 * {@code "unavailable"} (the database unreachable: 503). What an accepted event did (opened,
 * deduplicated, acknowledged, resolved, no_open_incident) is counted where it was committed, per alert,
 * by the incidents module; these count requests, since a refused request has no alerts to count.
 */
@Configuration
class IngestMeters {
    /** Set on the request by {@link RateLimiter} when it refuses, so a throttled 503 is told from an outage's. */
    static final String THROTTLED = IngestMeters.class.getName() + ".throttled";

    /** After the body is in, before the database gate: an outage's 503 is counted too. */
    @Bean
    FilterRegistrationBean<Filter> ingestOutcomes(MeterRegistry meters) {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new Outcomes(meters));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        registration.addUrlPatterns("/v2/enqueue", "/v2/change/enqueue", "/api/v1/events", "/api/v1/integrations/alertmanager/*",
                "/api/v1/integrations/grafana/*", "/api/v1/heartbeats/*");
        return registration;
    }

    /** The integration a request path belongs to, as the accepted-event counts name it. */
    static String integration(String path) {
        if (path.startsWith("/v2/")) {
            return "pagerduty";
        }
        if (path.startsWith("/api/v1/integrations/alertmanager/")) {
            return "alertmanager";
        }
        if (path.startsWith("/api/v1/integrations/grafana/")) {
            return "grafana";
        }
        if (path.startsWith("/api/v1/heartbeats/")) {
            return "heartbeat";
        }
        return "events-api";
    }

    static String outcome(int status, boolean throttled) {
        if (throttled) {
            return "throttled";
        }
        if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
            return "unavailable";
        }
        return status >= 400 ? "refused" : null;
    }

    private static final class Outcomes implements Filter {
        private final MeterRegistry meters;

        Outcomes(MeterRegistry meters) {
            this.meters = meters;
        }

        @java.lang.Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            chain.doFilter(req, res);
            HttpServletRequest request = (HttpServletRequest) req;
            if (request.isAsyncStarted()) {
                return; // its body is still arriving; counted when it runs
            }
            String outcome = outcome(((HttpServletResponse) res).getStatus(), request.getAttribute(THROTTLED) != null);
            if (outcome != null) {
                io.tocsin.incident.EventCounts.counter(meters, integration(request.getRequestURI().substring(request.getContextPath().length())), outcome).increment();
            }
        }
    }
}
