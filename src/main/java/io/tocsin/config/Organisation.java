package io.tocsin.config;

import io.tocsin.schedule.Schedule;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated organisation ready to run: the declarative model plus the compiled schedules.
 * Only {@link ConfigLoader} creates one, and only from a configuration without problems.
 */
public final class Organisation {
    private final OrganisationConfig config;
    private final List<SourceFile> sources;
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final Map<String, OrganisationConfig.Person> people = new LinkedHashMap<>();

    Organisation(OrganisationConfig config, List<SourceFile> sources, List<Schedule> compiled) {
        this.config = config;
        this.sources = List.copyOf(sources);
        compiled.forEach(s -> schedules.put(s.id(), s));
        config.people().forEach(p -> people.put(p.id(), p));
    }

    public OrganisationConfig config() {
        return config;
    }

    public List<SourceFile> sources() {
        return sources;
    }

    public String id() {
        return config.organisation().id();
    }

    public String name() {
        return config.organisation().name();
    }

    public ZoneId zone() {
        return ZoneId.of(config.organisation().timeZone());
    }

    public Map<String, Schedule> schedules() {
        return schedules;
    }

    public Optional<Schedule> schedule(String id) {
        return Optional.ofNullable(schedules.get(id));
    }

    public Optional<OrganisationConfig.Person> person(String id) {
        return Optional.ofNullable(people.get(id));
    }

    /** A vendor paged by a level is recorded as this prefix and its id (see OrganisationDirectory). */
    public static final String VENDOR_PREFIX = "vendor:";

    /**
     * Whom a page or notice recorded for {@code id} reaches: a person, or a vendor, which has no
     * notification rules and so is reached on every one of its contact methods at once.
     */
    public Optional<OrganisationConfig.Person> recipient(String id) {
        if (id.startsWith(VENDOR_PREFIX)) {
            String vendor = id.substring(VENDOR_PREFIX.length());
            return config.vendors().stream().filter(v -> v.id().equals(vendor)).findFirst()
                    .map(v -> new OrganisationConfig.Person(id, v.name(), null, v.contactMethods(), null));
        }
        return person(id);
    }

    public Map<String, OrganisationConfig.Person> people() {
        return people;
    }

    /** The incident roles anyone can be given: the usual ones and the organisation's war-room roles. */
    public java.util.Set<String> incidentRoles() {
        java.util.Set<String> roles = new java.util.LinkedHashSet<>(List.of("incident-commander", "ops-lead", "communications-lead",
                "scribe", "subject-expert"));
        if (config.organisation().warRoom() != null) {
            roles.addAll(config.organisation().warRoom().roles());
        }
        return roles;
    }

    /** The severity a name stands for: its id or one of its aliases, ignoring case. */
    public Optional<String> severityNamed(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (OrganisationConfig.Severity s : config.severities()) {
            if (s.id().equalsIgnoreCase(name) || s.aliases().stream().anyMatch(a -> a.equalsIgnoreCase(name))) {
                return Optional.of(s.id());
            }
        }
        return Optional.empty();
    }

    /** The severity of an event that names none the organisation knows: its default, else its least severe. */
    public String defaultSeverity() {
        return Optional.ofNullable(config.organisation().defaultSeverity())
                .orElse(config.severities().get(config.severities().size() - 1).id());
    }

    /** The schedules with {@code extra} overrides layered on top (runtime overrides from the database). */
    public Organisation withScheduleOverrides(Map<String, List<io.tocsin.schedule.ScheduleOverride>> extra) {
        List<Schedule> merged = schedules.values().stream()
                .map(s -> s.withOverrides(extra.getOrDefault(s.id(), List.of())))
                .toList();
        return new Organisation(config, sources, merged);
    }
}
