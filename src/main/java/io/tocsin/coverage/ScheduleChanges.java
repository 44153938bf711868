package io.tocsin.coverage;

import io.tocsin.config.Organisation;
import io.tocsin.engine.EscalationPolicy;
import io.tocsin.engine.Level;
import io.tocsin.engine.Target;
import io.tocsin.engine.Trigger;
import io.tocsin.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When the answer of any schedule layer a policy can page next changes: its hand-offs, restriction
 * edges and override boundaries, found with {@link Schedule#nextHandoff}. Everything else a target
 * resolves to (people, teams, roles, domains, vendors) is the same at every instant, so between two
 * such changes a hypothetical incident is paged exactly alike.
 */
final class ScheduleChanges {
    /** How far one look-up reaches; with nothing changing in it, the end of the look-ahead stands in as a change. */
    static final int LOOKAHEAD_DAYS = 7;

    private record LayerRef(Schedule schedule, String layer) {
    }

    private final List<LayerRef> layers;

    private ScheduleChanges(List<LayerRef> layers) {
        this.layers = layers;
    }

    /** The layers named anywhere in {@code policy}: by its levels, and by its triggers' and its paths' triggers' notify actions. */
    static ScheduleChanges of(Organisation org, EscalationPolicy policy) {
        List<Target> targets = new ArrayList<>();
        policy.triggers().forEach(t -> notified(t, targets));
        policy.paths().forEach(p -> {
            p.levels().stream().map(Level::targets).forEach(targets::addAll);
            p.triggers().forEach(t -> notified(t, targets));
        });
        Set<LayerRef> refs = new LinkedHashSet<>();
        for (Target t : targets) {
            if (t instanceof Target.OnCall o) {
                Schedule s = org.schedules().get(o.schedule());
                refs.add(new LayerRef(s, o.layer() == null ? s.layers().get(0).id() : o.layer()));
            }
        }
        return new ScheduleChanges(List.copyOf(refs));
    }

    private static void notified(Trigger t, List<Target> into) {
        if (t.action() instanceof Trigger.Action.Notify n) {
            into.addAll(n.targets());
        }
    }

    /** The first instant after {@code at} at which some layer's answer may differ from its answer at {@code at}. */
    Instant nextAfter(Instant at) {
        Instant next = at.plus(Duration.ofDays(LOOKAHEAD_DAYS));
        for (LayerRef ref : layers) {
            Instant change = ref.schedule().nextHandoff(ref.layer(), at, LOOKAHEAD_DAYS).orElse(next);
            if (change.isBefore(next)) {
                next = change;
            }
        }
        return next;
    }
}
