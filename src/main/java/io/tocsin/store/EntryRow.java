package io.tocsin.store;

import java.time.Instant;
import java.util.List;

/** One timeline entry as stored; {@code actor} and {@code via} say who acted and through which interface. */
public record EntryRow(long id, long incidentId, Instant at, String kind, String actor, String via, String path,
                       String level, String trigger, List<String> people, String text) {
}
