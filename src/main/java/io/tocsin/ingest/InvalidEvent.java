package io.tocsin.ingest;

import java.util.List;

/**
 * An event the integrations refuse, each error written {@code field: message}: answered 400 with the
 * fields named (IntegrationsController), nothing written.
 */
final class InvalidEvent extends RuntimeException {
    final List<String> errors;

    InvalidEvent(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }
}
