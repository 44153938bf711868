package io.tocsin.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The organisation as written in YAML, after all files are merged. Scalars that need parsing
 * (durations, times, dates, zones) stay strings here so that the validator can report every bad one
 * with its file and line instead of failing on the first.
 */
public record OrganisationConfig(
        Organisation organisation,
        List<Person> people,
        List<DirectoryRole> roles,
        List<Team> teams,
        List<Domain> domains,
        List<Vendor> vendors,
        List<Schedule> schedules,
        List<Severity> severities,
        List<EscalationPolicy> escalationPolicies,
        List<Service> services,
        List<RoutingRule> routingRules,
        List<MaintenanceWindow> maintenanceWindows,
        Notifications notifications,
        Access access) {

    /** The ids of the services that belong to any of {@code teams}: what a team filter selects. */
    public List<String> servicesOfTeams(java.util.Collection<String> teams) {
        return services.stream().filter(s -> s.team() != null && teams.contains(s.team())).map(Service::id).toList();
    }

    public OrganisationConfig {
        people = orEmpty(people);
        roles = orEmpty(roles);
        teams = orEmpty(teams);
        domains = orEmpty(domains);
        vendors = orEmpty(vendors);
        schedules = orEmpty(schedules);
        severities = orEmpty(severities);
        escalationPolicies = orEmpty(escalationPolicies);
        services = orEmpty(services);
        routingRules = orEmpty(routingRules);
        maintenanceWindows = orEmpty(maintenanceWindows);
        notifications = notifications == null ? Notifications.NONE : notifications;
        access = access == null ? Access.NONE : access;
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    public record Organisation(String id, String name, String timeZone, List<String> workingWeek,
                               BusinessHours businessHours, List<Holiday> holidays, WarRoomCriteria warRoom,
                               Map<String, Map<String, String>> sourceSeverities, String defaultSeverity,
                               HandoffChecklist handoffChecklist, SleepHours sleepHours) {
        public Organisation {
            sleepHours = sleepHours == null ? SleepHours.DEFAULT : sleepHours;
            handoffChecklist = handoffChecklist == null ? new HandoffChecklist(null, null) : handoffChecklist;
            workingWeek = workingWeek == null ? List.of("mon", "tue", "wed", "thu", "fri") : workingWeek;
            businessHours = businessHours == null ? new BusinessHours("09:00", "17:00") : businessHours;
            holidays = orEmpty(holidays);
            sourceSeverities = sourceSeverities == null ? Map.of() : sourceSeverities;
        }
    }

    public record BusinessHours(String start, String end) {
    }

    /**
     * The night, on each person's own clock, for the people report: a page then woke someone. May cross
     * midnight ({@code 22:00-07:00}, the default) or not ({@code 00:00-06:00}); the validator refuses an
     * empty window and a time that is not HH:MM.
     */
    public record SleepHours(String start, String end) {
        public static final SleepHours DEFAULT = new SleepHours("22:00", "07:00");

        public int startMinute() {
            return TimesOfDay.minuteOfDay(start, false);
        }

        public int endMinute() {
            return TimesOfDay.minuteOfDay(end, true);
        }

        /** Whether {@code minute} of a day falls in the night. */
        public boolean contains(int minute) {
            int from = startMinute();
            int until = endMinute();
            return from <= until ? minute >= from && minute < until : minute >= from || minute < until;
        }

        @java.lang.Override
        public String toString() {
            return start + "-" + end;
        }
    }

    /** The organisation's own hand-off checklist; {@code {person}} in an item stands for the person it goes to. */
    public record HandoffChecklist(List<String> outgoing, List<String> incoming) {
        public HandoffChecklist {
            outgoing = orEmpty(outgoing);
            incoming = orEmpty(incoming);
        }
    }

    public record Holiday(String date, String name) {
    }

    public record WarRoomCriteria(Integer whenServicesAffected, List<String> whenTags, List<String> roles) {
        public WarRoomCriteria {
            whenTags = orEmpty(whenTags);
            roles = orEmpty(roles);
        }
    }

    public record Person(String id, String name, String timeZone, List<ContactMethod> contactMethods,
                         NotificationRules notificationRules) {
        public Person {
            contactMethods = orEmpty(contactMethods);
            notificationRules = notificationRules == null ? new NotificationRules(null, null) : notificationRules;
        }
    }

    public record ContactMethod(String id, String type, String address) {
    }

    public record NotificationRules(List<NotificationStep> highUrgency, List<NotificationStep> lowUrgency) {
        public NotificationRules {
            highUrgency = orEmpty(highUrgency);
            lowUrgency = orEmpty(lowUrgency);
        }
    }

    public record NotificationStep(String after, String via) {
    }

    public record DirectoryRole(String id, String name, List<String> heldBy) {
        public DirectoryRole {
            heldBy = orEmpty(heldBy);
        }
    }

    public record Team(String id, String name, List<String> members, List<String> leads, String chatChannel, Access access) {
        public Team {
            members = orEmpty(members);
            leads = orEmpty(leads);
            access = access == null ? Access.NONE : access;
        }
    }

    /**
     * Who holds which access role: organisation-wide under the top-level {@code access}, or for one team
     * under the team's {@code access} (where {@code admins} is refused: administering Tocsin has no team).
     * What each role may do is decided in one place, {@code incident.Permissions}.
     */
    public record Access(List<String> admins, List<String> managers, List<String> responders, List<String> viewers) {
        public static final Access NONE = new Access(null, null, null, null);

        public Access {
            admins = orEmpty(admins);
            managers = orEmpty(managers);
            responders = orEmpty(responders);
            viewers = orEmpty(viewers);
        }

        public boolean isEmpty() {
            return admins.isEmpty() && managers.isEmpty() && responders.isEmpty() && viewers.isEmpty();
        }
    }

    public record Domain(String id, String name, List<String> experts, List<String> backup, String chatChannel) {
        public Domain {
            experts = orEmpty(experts);
            backup = orEmpty(backup);
        }
    }

    public record Vendor(String id, String name, String supportPortal, String priorityLine, String accountManager,
                         List<ContactMethod> contactMethods) {
        public Vendor {
            contactMethods = orEmpty(contactMethods);
        }
    }

    /** {@code team}: whose schedule it is, so that team's managers edit its overrides (none: organisation-wide managers only). */
    public record Schedule(String id, String name, String timeZone, String team, List<Layer> layers, List<Override> overrides) {
        public Schedule {
            layers = orEmpty(layers);
            overrides = orEmpty(overrides);
        }
    }

    /**
     * One definition of a layer. {@code effectiveFrom} (an instant) makes it apply only from then on:
     * an earlier entry with the same id answers before it.
     */
    public record Layer(String id, String name, List<String> participants, String shift, Handoff handoff,
                        String start, String numbering, List<Restriction> restrictions, String effectiveFrom) {
        public Layer {
            participants = orEmpty(participants);
            restrictions = orEmpty(restrictions);
        }
    }

    public record Handoff(String day, String time) {
    }

    public record Restriction(List<String> days, String from, String to) {
        public Restriction {
            days = orEmpty(days);
        }
    }

    public record Override(String layer, String person, String start, String end, String reason) {
    }

    public record Severity(String id, String name, List<String> aliases, List<String> criteria, List<String> examples,
                           String impact, String response, Targets targets, List<UpdateCadence> updateCadence,
                           PostmortemRule postmortem, WarRoomRule warRoom, Boolean statusPage, String chatChannel,
                           List<String> checklist) {
        public Severity {
            aliases = orEmpty(aliases);
            criteria = orEmpty(criteria);
            examples = orEmpty(examples);
            response = response == null ? "page" : response;
            targets = targets == null ? new Targets(null, null, null) : targets;
            updateCadence = orEmpty(updateCadence);
            checklist = orEmpty(checklist);
        }
    }

    public record Targets(String acknowledge, String firstUpdate, String resolve) {
    }

    public record UpdateCadence(String every, String until) {
    }

    public record PostmortemRule(String required, String within, Repeated repeated) {
    }

    public record Repeated(Integer count, String within) {
    }

    public record WarRoomRule(String after) {
    }

    public record EscalationPolicy(String id, String name, String description, String defaultPath, List<Path> paths,
                                   List<Trigger> triggers, String acknowledgementTimeout) {
        public EscalationPolicy {
            paths = orEmpty(paths);
            triggers = orEmpty(triggers);
        }
    }

    public record Path(String id, String name, String description, List<String> severities, Integer repeat,
                       List<Level> levels, List<Trigger> triggers) {
        public Path {
            severities = orEmpty(severities);
            levels = orEmpty(levels);
            triggers = orEmpty(triggers);
        }
    }

    public record Level(String id, String name, StartCondition start, @JsonProperty("notify") List<Target> targets) {
        public Level {
            targets = orEmpty(targets);
        }
    }

    public record StartCondition(String after, String unacknowledgedFor, String unresolvedFor, String noUpdateFor,
                                 String whenTagged) {
    }

    public record Target(String person, String schedule, String layer, String team, String members, String owningTeam,
                         String domainExperts, String role, String vendor) {
    }

    public record Trigger(String id, TriggerCondition on, @JsonProperty("do") TriggerAction action) {
    }

    public record TriggerCondition(String tagAdded, Boolean severityRaised, String targetBreached,
                                   String unacknowledgedFor, String unresolvedFor, String noUpdateFor,
                                   Integer servicesAffected, List<String> severities, List<String> tags) {
        public TriggerCondition {
            severities = orEmpty(severities);
            tags = orEmpty(tags);
        }
    }

    public record TriggerAction(String switchPath, String addPath, Integer escalate, String goToLevel,
                                @JsonProperty("notify") List<Target> targets) {
        public TriggerAction {
            targets = orEmpty(targets);
        }
    }

    public record Service(String id, String name, String description, String team, String domain,
                          String escalationPolicy, String chatChannel, Boolean enabled, List<Integration> integrations) {
        public Service {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            integrations = orEmpty(integrations);
        }
    }

    public record Integration(String type, String key, String interval) {
    }

    public record RoutingRule(String id, String description, String when, RoutingAction set, String sustainedFor,
                              @JsonProperty("continue") Boolean continueMatching) {
    }

    public record RoutingAction(String service, String severity, List<String> tags, String action, String chatChannel) {
        public RoutingAction {
            tags = orEmpty(tags);
        }
    }

    public record MaintenanceWindow(String id, String name, List<String> services, String timeZone,
                                    Restriction recurrence, String start, String end) {
        public MaintenanceWindow {
            services = orEmpty(services);
        }
    }

    /** Message templates and the fields never sent outside; see {@link MessageTemplateSyntax}. */
    public record Notifications(Templates templates, List<String> sensitiveFields) {
        public static final Notifications NONE = new Notifications(null, null);

        public Notifications {
            templates = templates == null ? new Templates(null, null, null, null, null) : templates;
            sensitiveFields = orEmpty(sensitiveFields);
        }
    }

    /** Overrides of the bundled templates, per kind of message. */
    public record Templates(KindTemplates page, KindTemplates notice, KindTemplates test, KindTemplates handoff,
                            KindTemplates chat) {
        /** The overrides of one kind ({@code page}, {@code notice}, {@code test}, {@code handoff}), if any. */
        public java.util.Optional<KindTemplates> kind(String kind) {
            return java.util.Optional.ofNullable(switch (kind) {
                case "page" -> page;
                case "notice" -> notice;
                case "test" -> test;
                case "handoff" -> handoff;
                case "chat" -> chat;
                default -> null;
            });
        }
    }

    /** The parts of one kind for every channel, and per channel overrides of them. */
    public record KindTemplates(String subject, String text, String html, PartTemplates email, PartTemplates webhook,
                                PartTemplates push, PartTemplates slack, PartTemplates teams, PartTemplates sms,
                                PartTemplates voice) {
        /** The overrides for a contact-method type, if any. */
        public java.util.Optional<PartTemplates> channel(String type) {
            return java.util.Optional.ofNullable(type == null ? null : switch (type) {
                case "email" -> email;
                case "webhook" -> webhook;
                case "push" -> push;
                case "slack" -> slack;
                case "teams" -> teams;
                case "sms" -> sms;
                case "voice" -> voice;
                default -> null;
            });
        }

        public PartTemplates parts() {
            return new PartTemplates(subject, text, html);
        }
    }

    /** Template text of each part of a message; null where not overridden. */
    public record PartTemplates(String subject, String text, String html) {
        public String part(String part) {
            return switch (part) {
                case "subject" -> subject;
                case "text" -> text;
                case "html" -> html;
                default -> null;
            };
        }
    }
}
