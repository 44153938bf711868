package io.tocsin.incident;

/** What a signal did: opened an incident, updated one, or found nothing to act on. */
public record SignalResult(Outcome outcome, Long incidentId, String dedupKey) {
    public enum Outcome { OPENED, DEDUPLICATED, ACKNOWLEDGED, RESOLVED, NO_OPEN_INCIDENT }
}
