package io.tocsin.engine;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a routed monitoring signal asks of a new incident: its service and severity, its tags, how
 * loudly it opens, how long it must keep firing before anyone is paged ({@code sustainedFor}, null:
 * at once) and the chat channel a routing rule chose instead of the severity's ({@code chatChannel},
 * null: the severity's) and its {@code summary}.
 */
public record Opening(String service, String severity, Set<String> tags, Paging paging, Duration sustainedFor,
                      String chatChannel, String summary) {
    public Opening(String service, String severity, Set<String> tags, Paging paging, Duration sustainedFor, String chatChannel) {
        this(service, severity, tags, paging, sustainedFor, chatChannel, null);
    }

    public Opening {
        tags = tags == null ? Set.of() : java.util.Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        paging = paging == null ? Paging.PAGE : paging;
        if (sustainedFor != null && (sustainedFor.isZero() || sustainedFor.isNegative())) {
            sustainedFor = null;
        }
    }

    public static Opening paging(String service, String severity, Set<String> tags) {
        return new Opening(service, severity, tags, Paging.PAGE, null, null);
    }
}
