package io.tocsin.simulation;

import io.tocsin.config.Durations;
import io.tocsin.config.TargetSpecs;
import io.tocsin.config.EngineModel;
import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.engine.Alert;
import io.tocsin.engine.Command;
import io.tocsin.engine.EscalationEngine;
import io.tocsin.engine.Outgoing;
import io.tocsin.engine.Simulation;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.incident.KillSwitches;
import io.tocsin.incident.Signal;
import io.tocsin.ingest.EventRouter;
import io.tocsin.ingest.InboundEvent;
import io.tocsin.notify.AutomatedActions;
import io.tocsin.store.KillSwitch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reads a scenario, turns it into engine events for an organisation, and renders the resulting timeline. */
public final class ScenarioRunner {
    private static final YAMLMapper YAML = io.tocsin.config.SafeYaml.mapper()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    static final Duration MAX_RUN = Duration.ofDays(35);
    private static final Instant EARLIEST_START = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST_START = Instant.parse("9999-01-01T00:00:00Z");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    /** A scenario that cannot be run, with the reason. */
    public static final class ScenarioException extends RuntimeException {
        public ScenarioException(String message) {
            super(message);
        }
    }

    /**
     * What the kill switches did to one contact method of a vendor a message reached: not sent, or sent
     * marked safe mode ({@link AutomatedActions#effect}, the dispatcher's own rule).
     */
    public record Withheld(Outgoing message, String contactMethod, String channel, AutomatedActions.Effect effect) {
        String text() {
            return message.recipient() + " by " + channel + " " + contactMethod
                    + (effect == AutomatedActions.Effect.SUPPRESS ? ": " + AutomatedActions.SUPPRESSED_BECAUSE : ": marked safe_mode");
        }
    }

    /**
     * A replayed scenario: what happened, every message it sent (pages, notices, chat posts), and the
     * automated actions among their deliveries that the kill switches stopped or marked.
     */
    public record Run(Scenario scenario, Instant start, ZoneId zone, List<TimelineEntry> timeline, List<Outgoing> messages,
                      List<Withheld> withheld) {
        /** One line per entry (offset, local time, kind, what happened), each followed by the messages it sent. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            sb.append("# ").append(scenario.name()).append('\n');
            sb.append("# start ").append(start.atZone(zone).format(LOCAL)).append(' ').append(zone.getId()).append('\n');
            java.util.Map<TimelineEntry, List<Outgoing>> sent = new java.util.IdentityHashMap<>();
            messages.forEach(m -> sent.computeIfAbsent(m.entry(), k -> new ArrayList<>()).add(m));
            for (TimelineEntry e : timeline) {
                long minutes = Duration.between(start, e.at()).toMinutes();
                sb.append(String.format(Locale.ROOT, "+%02d:%02d  %s  %-16s %s%n", minutes / 60, minutes % 60,
                        e.at().atZone(zone).format(LOCAL), e.kind(), e.text()));
                java.util.Map<Outgoing.Kind, List<String>> byKind = new java.util.EnumMap<>(Outgoing.Kind.class);
                sent.getOrDefault(e, List.of()).forEach(m -> byKind.computeIfAbsent(m.kind(), k -> new ArrayList<>()).add(m.recipient()));
                byKind.forEach((kind, to) -> sb.append(String.format(Locale.ROOT, "%30s%-16s %s%n", "",
                        "> " + kind.name().toLowerCase(Locale.ROOT), String.join(", ", to))));
                for (Withheld w : withheld) {
                    if (w.message().entry() == e) {
                        sb.append(String.format(Locale.ROOT, "%30s%-16s %s%n", "",
                                w.effect() == AutomatedActions.Effect.SUPPRESS ? "> not sent" : "> safe mode", w.text()));
                    }
                }
            }
            return sb.toString();
        }

        /** The same timeline and messages as data, for {@code simulate --json} and {@code POST /api/v1/simulate}. */
        public java.util.Map<String, Object> json() {
            List<java.util.Map<String, Object>> entries = new ArrayList<>();
            for (TimelineEntry e : timeline) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("at", e.at().toString());
                m.put("offset_minutes", Duration.between(start, e.at()).toMinutes());
                m.put("kind", e.kind().name());
                m.put("path", e.path());
                m.put("level", e.level());
                m.put("trigger", e.trigger());
                m.put("people", e.people());
                m.put("text", e.text());
                entries.add(m);
            }
            List<java.util.Map<String, Object>> sent = new ArrayList<>();
            for (Outgoing o : messages) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("at", o.at().toString());
                m.put("offset_minutes", Duration.between(start, o.at()).toMinutes());
                m.put("kind", o.kind().name());
                m.put("recipient", o.recipient());
                m.put("cause", o.cause().name());
                m.put("path", o.path());
                m.put("level", o.level());
                m.put("trigger", o.trigger());
                m.put("key", o.key());
                List<java.util.Map<String, Object>> switched = new ArrayList<>();
                for (Withheld w : withheld) {
                    if (w.message() == o) {
                        switched.add(java.util.Map.of("contact_method", w.contactMethod(), "channel", w.channel(),
                                "effect", w.effect().name()));
                    }
                }
                if (!switched.isEmpty()) {
                    // Only what the kill switches changed; every other delivery goes out as the message says.
                    m.put("kill_switches", switched);
                }
                sent.add(m);
            }
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("scenario", scenario.name());
            doc.put("start", start.toString());
            doc.put("time_zone", zone.getId());
            doc.put("timeline", entries);
            doc.put("messages", sent);
            return doc;
        }
    }

    private ScenarioRunner() {
    }

    public static Scenario read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e.getMessage());
        }
    }

    public static Scenario parse(String text, String name) {
        try {
            return io.tocsin.config.SafeYaml.read(YAML, text, Scenario.class);
        } catch (tools.jackson.core.JacksonException e) {
            // In the scenario's own terms (events[0].at: expected text), never Jackson's (which names Java classes).
            throw new ScenarioException(name + ": " + io.tocsin.config.InputErrors.located(e));
        }
    }

    public static Run run(Organisation org, Scenario scenario) {
        if (scenario.start() == null) {
            throw new ScenarioException("scenario needs a start instant, like 2026-03-29T03:00:00+03:00");
        }
        Instant start;
        try {
            start = OffsetDateTime.parse(scenario.start()).toInstant();
        } catch (RuntimeException e) {
            throw new ScenarioException("start: bad instant \"" + scenario.start() + "\": use ISO-8601 with an offset");
        }
        if (start.isBefore(EARLIEST_START) || start.isAfter(LATEST_START)) {
            // ISO-8601 reaches the year 999999999, where adding the run's length overflows java.time (was a 500).
            throw new ScenarioException("start: must be between the years 1970 and 9999, got " + scenario.start());
        }
        Duration runFor = scenario.runFor() == null ? Duration.ofHours(24) : duration("run_for", scenario.runFor());
        if (runFor.compareTo(MAX_RUN) > 0) {
            // A server answers simulations on request: keep each one bounded.
            throw new ScenarioException("run_for: at most " + Durations.format(MAX_RUN) + ", got " + scenario.runFor());
        }
        EscalationEngine engine = EngineModel.engine(org);
        EventRouter router = new EventRouter();
        List<Simulation.Event> events = new ArrayList<>();
        List<TimelineEntry> notes = new ArrayList<>();
        List<Scenario.ScenarioEvent> script = scenario.events();
        // The switches as a new installation has them, then each change in the order the script makes it.
        java.util.TreeMap<Instant, java.util.Map<KillSwitch, Boolean>> switchedAt = new java.util.TreeMap<>();
        java.util.Map<KillSwitch, Boolean> initially = new java.util.EnumMap<>(KillSwitch.class);
        for (KillSwitch k : KillSwitch.values()) {
            initially.put(k, k.initially());
        }
        switchedAt.put(EARLIEST_START, initially);
        for (int n = 0; n < script.size(); n++) {
            Scenario.ScenarioEvent e = script.get(n);
            String where = "events[" + n + "]";
            Instant at = start.plus(duration(where + ".at", e.at()));
            if (e.killSwitch() != null) {
                java.util.Map<KillSwitch, Boolean> before = switchedAt.floorEntry(at).getValue();
                java.util.Map<KillSwitch, Boolean> moved = KillSwitches.moved(before::get, switches(org, e.killSwitch(), where + ".switch"));
                if (!moved.isEmpty()) {
                    java.util.Map<KillSwitch, Boolean> after = new java.util.EnumMap<>(before);
                    after.putAll(moved);
                    // A later change in the script at an earlier instant would rewrite history: scripts go forward.
                    if (!switchedAt.tailMap(at, false).isEmpty()) {
                        throw new ScenarioException(where + ".at: switches must be set in time order");
                    }
                    switchedAt.put(at, after);
                    events.add(new Simulation.Aside(at, new TimelineEntry(at, TimelineEntry.Kind.SWITCH_CHANGED, null, null, null,
                            List.of(), KillSwitches.text(moved, e.killSwitch().by(), VIA))));
                }
            } else if (e.alert() != null) {
                Signal signal = route(org, router, e.alert(), at, where, notes);
                events.add(new Simulation.Signal(at, signal.alert(MONITORING)));
            } else if (Boolean.TRUE.equals(e.clear())) {
                // As live: the source's resolve event resolves the incident.
                events.add(new Simulation.Signal(at, Alert.resolve(MONITORING)));
            } else {
                events.add(new Simulation.Apply(at, command(org, e, where)));
            }
        }
        Simulation.Result result = Simulation.run(engine, events, start.plus(runFor), "SIM-");
        List<TimelineEntry> timeline = new ArrayList<>(result.timeline());
        timeline.addAll(notes);
        // Stable: notes about routing come before what the engine did at the same instant.
        timeline.sort(java.util.Comparator.comparing(TimelineEntry::at)
                .thenComparing(x -> x.kind() == TimelineEntry.Kind.NOTE && notes.contains(x) ? 0 : 1));
        return new Run(scenario, start, org.zone(), timeline, result.messages(), withheld(org, result.messages(), switchedAt));
    }

    /** How a scenario's switch changes are said to have been made, where the server says {@code api}, {@code cli} or {@code ui}. */
    static final String VIA = "scenario";

    /**
     * Each vendor a message reaches is reached on every contact method at once, as the server expands it;
     * the switches in force at the message's instant decide each delivery by the dispatcher's rule.
     */
    private static List<Withheld> withheld(Organisation org, List<Outgoing> messages,
                                           java.util.NavigableMap<Instant, java.util.Map<KillSwitch, Boolean>> switchedAt) {
        List<Withheld> out = new ArrayList<>();
        for (Outgoing m : messages) {
            if (m.kind() == Outgoing.Kind.CHAT || !m.recipient().startsWith(Organisation.VENDOR_PREFIX)) {
                continue;
            }
            java.util.Map<KillSwitch, Boolean> on = switchedAt.floorEntry(m.at()).getValue();
            for (OrganisationConfig.ContactMethod cm : org.recipient(m.recipient()).map(OrganisationConfig.Person::contactMethods)
                    .orElse(List.of())) {
                AutomatedActions.Effect effect = AutomatedActions.effect(cm.type(), m.recipient(), on::get);
                if (effect != AutomatedActions.Effect.SEND) {
                    out.add(new Withheld(m, cm.id(), cm.type(), effect));
                }
            }
        }
        return out;
    }

    /** A scenario's {@code switch}: who, and each switch named on or off. */
    private static java.util.Map<KillSwitch, Boolean> switches(Organisation org, Scenario.Switch s, String where) {
        // A person of the organisation, as on the server the switch is set with that person's own token.
        person(org, s.by(), where + ".by");
        java.util.Map<KillSwitch, Boolean> wanted = new java.util.EnumMap<>(KillSwitch.class);
        if (s.automation() != null) {
            wanted.put(KillSwitch.AUTOMATION, onOff(s.automation(), where + ".automation"));
        }
        if (s.safeMode() != null) {
            wanted.put(KillSwitch.SAFE_MODE, onOff(s.safeMode(), where + ".safe_mode"));
        }
        if (wanted.isEmpty()) {
            throw new ScenarioException(where + ": name automation or safe_mode, on or off");
        }
        return wanted;
    }

    private static boolean onOff(String text, String where) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new ScenarioException(where + ": on or off, got \"" + text + "\"");
        };
    }

    /** Who the timeline names when the monitoring source itself resolves what it opened. */
    static final String MONITORING = "the monitoring source";

    /**
     * The alert as the server receives it: through the routing rules, the source's severity mapping
     * and the maintenance windows of {@link EventRouter}, exactly as ingestion does. {@code severity}
     * (a severity of the organisation) arrives as a generic event naming it; otherwise the alert comes
     * through its {@code integration} (default alertmanager) with its source severity and labels.
     */
    static Signal route(Organisation org, EventRouter router, Scenario.Alert a, Instant at, String where, List<TimelineEntry> notes) {
        OrganisationConfig.Service declared = service(org, a.service(), where + ".alert.service");
        if (a.severity() != null) {
            severity(org, a.severity(), where + ".alert.severity");
        }
        EventRouter.Routed routed = router.routeDetailed(org, inbound(declared.id(), a), at);
        Signal s = routed.signal();
        Set<String> tags = s.tags();
        Signal signal = s;
        notes.add(note(at, "alert \"" + (a.summary() == null ? "" : a.summary()) + "\" routed by "
                + (routed.rules().isEmpty() ? "no rule" : "rule " + String.join(", ", routed.rules())) + ": " + signal.severity() + ", "
                + signal.paging().name().toLowerCase() + (tags.isEmpty() ? "" : ", tags " + String.join(", ", tags))));
        return signal;
    }

    /**
     * The event an integration delivers for this alert: its source severity as written (a named
     * severity as a generic event's, mapped like any other), and its labels; Alertmanager and Grafana
     * carry the severity as a label too, as their webhooks do.
     */
    public static InboundEvent inbound(String service, Scenario.Alert a) {
        String integration = integration(a);
        String severity = a.severity() != null ? a.severity() : a.sourceSeverity();
        java.util.Map<String, String> labels = new java.util.TreeMap<>(a.labels());
        if (severity != null && (integration.equals("alertmanager") || integration.equals("grafana"))) {
            labels.putIfAbsent("severity", severity);
        }
        return new InboundEvent(service, integration, DEDUP_KEY, io.tocsin.incident.Signal.Action.TRIGGER,
                a.summary() == null ? "" : a.summary(), "scenario", severity, labels, null);
    }

    /** The integration an alert comes through: a named severity comes as a generic event, anything else as Alertmanager's. */
    public static String integration(Scenario.Alert a) {
        if (a.integration() != null) {
            return a.integration();
        }
        return a.severity() != null ? "generic" : "alertmanager";
    }

    /** Every alert of a scenario is about the same source, so a second one while the incident is open is a repeat. */
    public static final String DEDUP_KEY = "scenario";

    private static OrganisationConfig.Service service(Organisation org, String id, String where) {
        return org.config().services().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new ScenarioException(where + ": unknown service \"" + id + "\""));
    }

    private static TimelineEntry note(Instant at, String text) {
        return new TimelineEntry(at, TimelineEntry.Kind.NOTE, null, null, null, List.of(), text);
    }

    private static Command command(Organisation org, Scenario.ScenarioEvent e, String where) {
        if (e.acknowledge() != null) {
            return new Command.Acknowledge(e.acknowledge());
        } else if (e.unacknowledge() != null) {
            return new Command.Unacknowledge(e.unacknowledge());
        } else if (e.resolve() != null) {
            return new Command.Resolve(e.resolve());
        } else if (e.update() != null) {
            return new Command.PostUpdate(e.update().by(), e.update().status(), e.update().message(), e.update().impact(),
                    e.update().nextUpdate() == null ? null : duration(where + ".update.next_update", e.update().nextUpdate()));
        } else if (e.severity() != null) {
            return new Command.ChangeSeverity(null, severity(org, e.severity(), where + ".severity"));
        } else if (e.tag() != null) {
            return new Command.AddTags(null, Set.of(e.tag()));
        } else if (e.service() != null) {
            return new Command.AddService(null, e.service());
        } else if (e.escalate() != null) {
            return new Command.Escalate(null, "next".equals(e.escalate()) ? null : e.escalate());
        } else if (e.deescalate() != null) {
            return new Command.Deescalate(e.deescalate().by(), Set.copyOf(e.deescalate().keep()), e.deescalate().reason());
        } else if (e.reassign() != null) {
            try {
                return new Command.Reassign(e.reassign().by(), TargetSpecs.resolve(org, e.reassign().to(), "to"), e.reassign().reason());
            } catch (TargetSpecs.Invalid invalid) {
                throw new ScenarioException(where + ".reassign." + invalid.field() + ": " + invalid.getMessage());
            }
        } else if (e.note() != null) {
            return new Command.Note(null, e.note());
        } else if (e.escalationRequest() != null) {
            Scenario.EscalationRequest r = e.escalationRequest();
            return new Command.Escalate(r.by(), r.level(), new Command.EscalationRequest(r.impact(), r.tried(), r.why(), r.ask()));
        } else if (e.role() != null) {
            return new Command.AssignRole(e.role().by(), role(org, e.role().role(), where + ".role.role"),
                    person(org, e.role().person(), where + ".role.person"));
        } else if (e.releaseRole() != null) {
            return new Command.ReleaseRole(null, role(org, e.releaseRole(), where + ".release_role"));
        } else if (e.warRoom() != null) {
            return new Command.DeclareWarRoom(null, e.warRoom());
        } else if (e.join() != null) {
            return new Command.JoinWarRoom(person(org, e.join(), where + ".join"));
        } else if (e.tick() != null) {
            if (e.tick().item() == null || e.tick().item() < 1) {
                throw new ScenarioException(where + ".tick.item: an item number, 1 for the first");
            }
            return new Command.TickChecklist(e.tick().by(), e.tick().item());
        }
        throw new ScenarioException(where + ": an event needs one of alert, clear, acknowledge, unacknowledge, resolve, update, severity, tag, "
                + "service, escalate, escalation_request, deescalate, reassign, note, role, release_role, war_room, join, tick, switch");
    }

    private static String role(Organisation org, String role, String where) {
        if (!org.incidentRoles().contains(role)) {
            throw new ScenarioException(where + ": unknown incident role \"" + role + "\" (roles: " + String.join(", ", org.incidentRoles()) + ")");
        }
        return role;
    }

    private static String person(Organisation org, String person, String where) {
        if (person == null || !org.people().containsKey(person)) {
            throw new ScenarioException(where + ": no person \"" + person + "\" in the organisation");
        }
        return person;
    }

    /** A severity by id or alias, case-insensitively; the organisation's default when none is named. */
    public static String severity(Organisation org, String name, String where) {
        if (name == null) {
            return org.defaultSeverity();
        }
        return org.severityNamed(name).orElseThrow(() -> new ScenarioException(where + ": unknown severity \"" + name + "\""));
    }

    private static Duration duration(String where, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(where + ": " + e.getMessage());
        }
    }
}
