package io.tocsin.schedule;

/** How a shift picks its participant. */
public enum Numbering {
    /** Participants take shifts in list order, starting with the first at the rotation start. */
    SEQUENCE,
    /**
     * Weekly shifts: participant index is (ISO week number - 1) mod n, so "odd weeks: A, even weeks: C"
     * holds even across 53-week ISO years, where plain alternation would drift.
     */
    ISO_WEEK
}
