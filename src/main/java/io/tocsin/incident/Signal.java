package io.tocsin.incident;

import io.tocsin.engine.Alert;
import io.tocsin.engine.Opening;
import io.tocsin.engine.Paging;
import java.util.Set;

/**
 * A routed monitoring signal: which service, which dedup key, what to do, and how loudly
 * ({@code paging}: page, chat or record). {@code sustainedFor} (null: page at once) holds paging back
 * until the source has kept firing that long; {@code chatChannel} (null: the severity's) is where a
 * routing rule sent the chat posts; {@code origin} (null: Tocsin itself) is the integration it came
 * through.
 */
public record Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                     Set<String> tags, Paging paging, String details, java.time.Duration sustainedFor, String chatChannel,
                     Origin origin) {
    public enum Action { TRIGGER, ACKNOWLEDGE, RESOLVE }

    /**
     * The integration a signal came through: its key, which an incident is matched on (an event acts
     * only on incidents its own key opened), and the name the timeline gives it when it acknowledges
     * or resolves.
     */
    public record Origin(String integrationKey, String name) {
    }

    public Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                  Set<String> tags, Paging paging, String details) {
        this(serviceId, dedupKey, action, summary, source, severity, tags, paging, details, null, null, null);
    }

    public Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                  Set<String> tags, Paging paging, String details, java.time.Duration sustainedFor, String chatChannel) {
        this(serviceId, dedupKey, action, summary, source, severity, tags, paging, details, sustainedFor, chatChannel, null);
    }

    public Signal {
        tags = tags == null ? Set.of() : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(tags));
    }

    /** What the engine is told: {@code by} names who acknowledges or resolves. */
    public Alert alert(String by) {
        return new Alert(Alert.Action.valueOf(action.name()), by,
                new Opening(serviceId, severity, tags, paging, sustainedFor, chatChannel, summary));
    }

    public Signal from(Origin through) {
        return new Signal(serviceId, dedupKey, action, summary, source, severity, tags, paging, details, sustainedFor, chatChannel,
                through);
    }

    /** The key incidents are matched on, or null for a signal of Tocsin's own. */
    public String integrationKey() {
        return origin == null ? null : origin.integrationKey();
    }

    /**
     * Who the timeline names when the signal acknowledges or resolves: the integration, never what
     * the payload calls its source (PagerDuty ignores the payload of those events, and clients fill
     * it with placeholders).
     */
    public String actor() {
        return origin == null ? source : origin.name();
    }
}
