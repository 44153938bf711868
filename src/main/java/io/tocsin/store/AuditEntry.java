package io.tocsin.store;

import java.time.Instant;

/**
 * One mutation: who did what to which subject, when, through which interface ({@code via}: api, ui,
 * slack, sms, voice, link, the integration, startup), and the subject before and after it as JSON
 * (null where there was nothing before, or nothing is left after). Details never carry secrets.
 */
public record AuditEntry(long id, Instant at, String actor, String via, String action, String subject, String before, String after,
                         String detail) {
}
