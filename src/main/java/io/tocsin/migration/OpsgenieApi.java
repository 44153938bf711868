package io.tocsin.migration;

import java.net.URI;
import tools.jackson.databind.JsonNode;

/**
 * The Opsgenie REST API (v2) as an export: {@code Authorization: GenieKey KEY}, export paths served
 * under {@code /v2/}, and offset pagination while the answer's {@code paging.next} is present.
 */
public final class OpsgenieApi extends HttpExport {
    private final String key;

    public OpsgenieApi(URI base, String key) {
        super(base);
        this.key = key;
    }

    @Override
    String[] headers() {
        return new String[] {"Authorization", "GenieKey " + key, "Accept", "application/json"};
    }

    @Override
    String apiPath(String path) {
        return "v2/" + path;
    }

    @Override
    boolean hasMore(JsonNode page) {
        return !page.path("paging").path("next").asString("").isEmpty();
    }
}
