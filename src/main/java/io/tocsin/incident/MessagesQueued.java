package io.tocsin.incident;

/**
 * Published inside the transaction that queued messages; listeners registered for after-commit
 * (the dispatcher) start delivering them at once instead of at their next poll.
 */
public record MessagesQueued(int count) {
}
