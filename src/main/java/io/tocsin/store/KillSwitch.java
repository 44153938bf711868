package io.tocsin.store;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The organisation-wide kill switches (seed 000's immediate actions {@code automation_enabled=false} and
 * {@code safe_mode=true}). {@link #AUTOMATION} off: Tocsin sends no automated action (a {@code webhook}
 * to a destination that is not a person: a vendor's, such as a remediation system); people are paged
 * whatever the switches say. {@link #SAFE_MODE} on: automated actions that still go out say so
 * ({@code "safe_mode": true} in the body, {@code X-Tocsin-Safe-Mode: on}), so the system at the other
 * end runs only its safe steps; systems that act on their own read both at {@code GET /api/v1/switches}.
 */
public enum KillSwitch {
    AUTOMATION("automation", true, Pattern.compile("\\bautomation(_enabled)?\\b", Pattern.CASE_INSENSITIVE)),
    SAFE_MODE("safe_mode", false, Pattern.compile("\\bsafe[_ -]mode\\b", Pattern.CASE_INSENSITIVE));

    private final String id;
    private final boolean initially;
    private final Pattern named;

    KillSwitch(String id, boolean initially, Pattern named) {
        this.id = id;
        this.initially = initially;
        this.named = named;
    }

    public String id() {
        return id;
    }

    /** Its state on a new installation: automation on, safe mode off. */
    public boolean initially() {
        return initially;
    }

    /** Whether a checklist item names this switch ("Set automation_enabled=false", "Set safe_mode=true"). */
    public boolean namedIn(String text) {
        return text != null && named.matcher(text).find();
    }

    /** {@code automation}, {@code safe_mode}, also written {@code safe-mode} (the CLI's spelling). */
    public static Optional<KillSwitch> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String id = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (KillSwitch s : values()) {
            if (s.id.equals(id)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        return AUTOMATION.id + ", " + SAFE_MODE.id;
    }
}
