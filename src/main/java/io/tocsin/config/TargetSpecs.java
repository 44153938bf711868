package io.tocsin.config;

import io.tocsin.engine.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Targets written at run time (a reassignment from the API, the CLI or a scenario) in the same
 * shape as a level's {@code notify} list, checked against the running organisation so a typo is a
 * clear answer naming the field instead of a page that reaches nobody.
 */
public final class TargetSpecs {
    /** A target that names nothing in the organisation; {@code field} is its path in the request. */
    public static final class Invalid extends RuntimeException {
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private TargetSpecs() {
    }

    /** @param field the request path of the list, such as {@code to} */
    public static List<Target> resolve(Organisation org, List<OrganisationConfig.Target> specs, String field) {
        if (specs == null || specs.isEmpty()) {
            throw new Invalid(field, "at least one target is required (person, schedule, team, role or vendor)");
        }
        OrganisationConfig c = org.config();
        List<Target> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            OrganisationConfig.Target t = specs.get(i);
            String at = field + "[" + i + "]";
            if (t == null) {
                throw new Invalid(at, "empty target");
            }
            int kinds = (t.person() != null ? 1 : 0) + (t.schedule() != null ? 1 : 0) + (t.team() != null ? 1 : 0)
                    + (t.role() != null ? 1 : 0) + (t.vendor() != null ? 1 : 0);
            if (kinds != 1) {
                throw new Invalid(at, "name exactly one of person, schedule, team, role, vendor");
            }
            if (t.person() != null) {
                known(at + ".person", "person", t.person(), ids(c.people(), OrganisationConfig.Person::id));
            } else if (t.schedule() != null) {
                OrganisationConfig.Schedule s = c.schedules().stream().filter(x -> x.id().equals(t.schedule())).findFirst()
                        .orElseThrow(() -> unknown(at + ".schedule", "schedule", t.schedule(), ids(c.schedules(), OrganisationConfig.Schedule::id)));
                if (t.layer() != null) {
                    known(at + ".layer", "layer of schedule \"" + s.id() + "\"", t.layer(), ids(s.layers(), OrganisationConfig.Layer::id));
                }
            } else if (t.team() != null) {
                known(at + ".team", "team", t.team(), ids(c.teams(), OrganisationConfig.Team::id));
            } else if (t.role() != null) {
                known(at + ".role", "role", t.role(), ids(c.roles(), OrganisationConfig.DirectoryRole::id));
            } else {
                known(at + ".vendor", "vendor", t.vendor(), ids(c.vendors(), OrganisationConfig.Vendor::id));
            }
            out.addAll(EngineModel.targets(List.of(t)));
        }
        return out;
    }

    private static <T> Set<String> ids(List<T> items, java.util.function.Function<T, String> id) {
        return items.stream().map(id).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static void known(String field, String kind, String value, Set<String> known) {
        if (!known.contains(value)) {
            throw unknown(field, kind, value, known);
        }
    }

    private static Invalid unknown(String field, String kind, String value, Set<String> known) {
        String suggestion = DidYouMean.closest(value, known).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
        return new Invalid(field, "unknown " + kind + " \"" + value + "\"" + suggestion);
    }
}
