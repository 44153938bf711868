package io.tocsin.migration;

import java.time.Instant;
import java.time.ZoneId;

/**
 * What every import is told: the organisation's id, name and zone (null: the zone most schedules
 * use), and the range [from, to) over which each schedule is compared with the source's on-call.
 */
public record ImportOptions(String orgId, String orgName, ZoneId zone, Instant from, Instant to) {
}
