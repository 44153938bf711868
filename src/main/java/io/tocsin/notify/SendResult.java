package io.tocsin.notify;

import java.time.Duration;

/**
 * A provider's answer. {@code RETRY} is worth trying again (5xx, 429, timeout, reset);
 * {@code PERMANENT} is not (a 4xx naming the request as wrong, or no provider configured).
 */
record SendResult(Outcome outcome, String providerStatus, Duration retryAfter, String detail) {
    enum Outcome { SENT, RETRY, PERMANENT }

    static SendResult sent(String status) {
        return new SendResult(Outcome.SENT, status, null, null);
    }

    static SendResult retry(String status, Duration retryAfter, String detail) {
        return new SendResult(Outcome.RETRY, status, retryAfter, detail);
    }

    static SendResult permanent(String status, String detail) {
        return new SendResult(Outcome.PERMANENT, status, null, detail);
    }
}
