package io.tocsin.ingest;

import io.tocsin.config.InputErrors;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How the monitoring integrations read a JSON body: one parser for all of them. */
final class IngestJson {
    // A key given twice is refused rather than guessed at, as on the rest of the API.
    static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private IngestJson() {
    }

    /** The body as JSON, or {@link InvalidEvent} naming the body. */
    static JsonNode read(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new InvalidEvent(List.of("(body): " + describe(e)));
        }
    }

    /** What is wrong with a body Jackson could not read, in the words of JSON. */
    static String describe(JacksonException e) {
        return InputErrors.isSyntax(e) ? "not valid JSON" : InputErrors.describe(e);
    }

    /** A field's text: null when missing, null, blank, an object or an array. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode()) {
            return null;
        }
        String s = v.asString();
        return s == null || s.isBlank() ? null : s;
    }
}
