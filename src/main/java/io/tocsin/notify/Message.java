package io.tocsin.notify;

/**
 * What one delivery says, already rendered for its channel. {@code idempotencyKey} is the delivery's
 * key, sent to providers that honour one so a retry after a timeout never pages twice.
 */
record Message(String idempotencyKey, String address, String subject, String text, String html, boolean highUrgency,
               String incidentId, String acknowledgeUrl, String resolveUrl, boolean safeMode) {
    Message(String idempotencyKey, String address, String subject, String text, String html, boolean highUrgency,
            String incidentId, String acknowledgeUrl, String resolveUrl) {
        this(idempotencyKey, address, subject, text, html, highUrgency, incidentId, acknowledgeUrl, resolveUrl, false);
    }

    /** The same message, sent as an automated action while the organisation is in safe mode. */
    Message inSafeMode() {
        return new Message(idempotencyKey, address, subject, text, html, highUrgency, incidentId, acknowledgeUrl, resolveUrl, true);
    }
}
