package io.tocsin.incident;

import io.tocsin.engine.IncidentState;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The engine's incident state as JSON in the incident row, so the pure engine needs no mapping layer. */
final class StateCodec {
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StateCodec() {
    }

    static String write(IncidentState state) {
        return JSON.writeValueAsString(state);
    }

    static IncidentState read(String json) {
        return JSON.readValue(json, IncidentState.class);
    }
}
