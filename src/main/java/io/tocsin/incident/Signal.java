package io.tocsin.incident;

import java.util.Set;

/**
 * A routed monitoring signal: which service, which dedup key, what to do, and how loudly
 * ({@code paging}: page, chat or record).
 */
public record Signal(String serviceId, String dedupKey, Action action, String summary, String source, String severity,
                     Set<String> tags, Paging paging, String details) {
    public enum Action { TRIGGER, ACKNOWLEDGE, RESOLVE }

    public enum Paging { PAGE, CHAT, RECORD }

    public Signal {
        tags = tags == null ? Set.of() : java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(tags));
    }
}
