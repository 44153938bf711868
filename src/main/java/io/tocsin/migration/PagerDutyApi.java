package io.tocsin.migration;

import java.net.URI;
import tools.jackson.databind.JsonNode;

/**
 * The PagerDuty REST API v2 as an export: {@code Authorization: Token token=...}, the versioned
 * {@code Accept} header, and classic pagination ({@code limit}/{@code offset} until {@code more} is false).
 */
public final class PagerDutyApi extends HttpExport {
    private final String token;

    public PagerDutyApi(URI base, String token) {
        super(base);
        this.token = token;
    }

    @Override
    String[] headers() {
        return new String[] {"Authorization", "Token token=" + token, "Accept", "application/vnd.pagerduty+json;version=2"};
    }

    @Override
    boolean hasMore(JsonNode page) {
        return page.path("more").asBoolean(false);
    }
}
