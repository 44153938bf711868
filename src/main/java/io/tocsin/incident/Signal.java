package io.tocsin.incident;

import io.tocsin.engine.Alert;
import io.tocsin.engine.Opening;
import io.tocsin.engine.Paging;
import java.util.Set;

/**
 * A routed monitoring signal: which service, which dedup key, what to do, and how loudly
 * ({@code paging}: page, chat or record). {@code sustainedFor} (null: page at once) holds paging back
 * until the source has kept firing that long; {@code chatChannel} (null: the severity's) is where a
 * routing rule sent the chat posts.
 */
public record Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                     Set<String> tags, Paging paging, String details, java.time.Duration sustainedFor, String chatChannel) {
    public enum Action { TRIGGER, ACKNOWLEDGE, RESOLVE }

    public Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                  Set<String> tags, Paging paging, String details) {
        this(serviceId, dedupKey, action, summary, source, severity, tags, paging, details, null, null);
    }

    public Signal {
        tags = tags == null ? Set.of() : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(tags));
    }

    /** What the engine is told: {@code by} names who acknowledges or resolves. */
    public Alert alert(String by) {
        return new Alert(Alert.Action.valueOf(action.name()), by,
                new Opening(serviceId, severity, tags, paging, sustainedFor, chatChannel));
    }
}
