package io.tocsin.config;

import io.tocsin.schedule.Schedule;
import io.tocsin.schedule.ScheduleOverride;
import io.tocsin.store.ScheduleOverrideStore;
import io.tocsin.store.StoredOverride;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Schedules as they stand now: the active configuration plus the overrides created at run time.
 * The combined view is cached briefly; a change made on this node refreshes it at once, one made
 * on another node within {@link #MAX_AGE}.
 */
@Service
public class LiveSchedules {
    static final Duration MAX_AGE = Duration.ofSeconds(2);

    private record Snapshot(Organisation base, Organisation withOverrides, Instant builtAt) {
    }

    private final ActiveConfiguration active;
    private final ScheduleOverrideStore overrides;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public LiveSchedules(ActiveConfiguration active, ScheduleOverrideStore overrides, Clock clock) {
        this.active = active;
        this.overrides = overrides;
        this.clock = clock;
    }

    public Optional<Schedule> schedule(String id) {
        return Optional.ofNullable(organisation().schedules().get(id));
    }

    public Organisation organisation() {
        Organisation base = active.current();
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || s.base() != base || s.builtAt().plus(MAX_AGE).isBefore(now)) {
            s = new Snapshot(base, base.withScheduleOverrides(runtimeOverrides(base)), now);
            snapshot = s;
        }
        return s.withOverrides();
    }

    public void invalidate() {
        snapshot = null;
    }

    private Map<String, List<ScheduleOverride>> runtimeOverrides(Organisation base) {
        return runtimeOverrides(base, overrides.all());
    }

    /** {@code base} with the overrides made at run time, as every answer about who is on call sees it. */
    static Organisation withRuntimeOverrides(Organisation base, List<StoredOverride> stored) {
        return base.withScheduleOverrides(runtimeOverrides(base, stored));
    }

    private static Map<String, List<ScheduleOverride>> runtimeOverrides(Organisation base, List<StoredOverride> stored) {
        Map<String, List<ScheduleOverride>> byId = new HashMap<>();
        for (StoredOverride o : stored) {
            Schedule schedule = base.schedules().get(o.scheduleId());
            // An override for a layer that a later configuration removed no longer applies.
            if (schedule == null || schedule.layer(o.layerId()).isEmpty()) {
                continue;
            }
            byId.computeIfAbsent(o.scheduleId(), k -> new ArrayList<>())
                    .add(new ScheduleOverride("runtime-" + o.id(), o.layerId(), o.personId(), o.start(), o.end(), o.reason()));
        }
        return byId;
    }
}
