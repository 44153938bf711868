package io.tocsin.engine;

import java.time.Instant;

/**
 * One message an engine step sends: a page or a notice to a person, or a post to a chat channel,
 * because of {@code entry}. {@code key} is its idempotency key: the same step computed again (a retry,
 * another node, a restart) yields the same key, and a key is sent once.
 */
public record Outgoing(Kind kind, String recipient, String key, String text, TimelineEntry entry) {
    public enum Kind { PAGE, NOTICE, CHAT }

    public Instant at() {
        return entry.at();
    }

    public TimelineEntry.Kind cause() {
        return entry.kind();
    }

    public String path() {
        return entry.path();
    }

    public String level() {
        return entry.level();
    }

    public String trigger() {
        return entry.trigger();
    }

    /** The step of the policy in words: {@code path/level}, {@code trigger:id}, or what caused it. */
    public String step() {
        if (level() != null) {
            return path() + "/" + level();
        }
        if (trigger() != null) {
            return "trigger:" + trigger();
        }
        return cause().name().toLowerCase(java.util.Locale.ROOT);
    }
}
