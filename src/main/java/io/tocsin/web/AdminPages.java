package io.tocsin.web;

import io.tocsin.incident.DeadLetters;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.KillSwitches;
import io.tocsin.store.AuditLog;
import io.tocsin.store.ConfigVersion;
import io.tocsin.store.ConfigVersionStore;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Administration: the configuration's versions with their diffs, the audit log, the dead letters with
 * a replay button each ({@link DeadLetters}, the API's rule), and the kill switches (set on the reports
 * page, {@link KillSwitches}).
 */
@Controller
@RequestMapping("/ui/admin")
class AdminPages {
    record VersionLine(long version, String appliedAt, String appliedBy, boolean active, String diff) {
    }

    record AuditLine(long id, String at, String actor, String via, String action, String subject, String detail) {
    }

    record DeadLine(long id, String incident, String person, String kind, String channel, String contactMethod, int attempts,
                    String created, String error) {
    }

    static final int VERSIONS = 20;
    static final int AUDIT = 100;
    static final int DEAD = 100;

    private final ConfigVersionStore versions;
    private final AuditLog audit;
    private final DeadLetters deadLetters;
    private final KillSwitches switches;
    private final IncidentEngine engine;
    private final io.tocsin.config.ActiveConfiguration active;
    private final java.time.Clock clock;

    private final io.tocsin.incident.Permissions permissions;
    private final io.tocsin.store.ApiTokenStore tokens;

    AdminPages(ConfigVersionStore versions, AuditLog audit, DeadLetters deadLetters, KillSwitches switches, IncidentEngine engine,
               io.tocsin.config.ActiveConfiguration active, java.time.Clock clock, io.tocsin.incident.Permissions permissions,
               io.tocsin.store.ApiTokenStore tokens) {
        this.permissions = permissions;
        this.tokens = tokens;
        this.clock = clock;
        this.versions = versions;
        this.audit = audit;
        this.deadLetters = deadLetters;
        this.switches = switches;
        this.engine = engine;
        this.active = active;
    }

    @GetMapping
    String admin(@RequestParam(required = false) String subject, Model model, Authentication who) {
        // the audit log and the configuration's history are the administrators' (as in the API)
        permissions.require(Sessions.caller(tokens, who), io.tocsin.incident.Permissions.Action.ADMINISTER, java.util.Set.of());
        PageModel.Viewer viewer = PageModel.viewer(engine.organisation(), who);
        long current = active.currentVersion();
        model.addAttribute("versions", versions.list(VERSIONS).stream().map(v -> version(v, viewer, current)).toList());
        String narrowed = subject == null || subject.isBlank() ? null : subject.strip();
        model.addAttribute("subject", narrowed);
        model.addAttribute("audit", audit.recent(narrowed, AUDIT).stream().map(e -> new AuditLine(e.id(), viewer.minutes(e.at()), e.actor(),
                e.via(), e.action(), e.subject(), e.detail())).toList());
        model.addAttribute("dead", deadLetters.list(DEAD).stream().map(d -> new DeadLine(d.id(),
                d.incidentId() == null ? null : "INC-" + d.incidentId(), d.personId(), d.kind(), d.channel(), d.contactMethod(), d.attempts(),
                viewer.minutes(d.createdAt()), d.lastError())).toList());
        model.addAttribute("switches", ReportPages.switchLines(switches.current(), viewer.zone()));
        model.addAttribute("zone", viewer.zoneName(clock.instant()));
        return "ui/admin";
    }

    @GetMapping("/config/{version}")
    String version(@PathVariable long version, Model model, Authentication who, HttpServletResponse response) {
        permissions.require(Sessions.caller(tokens, who), io.tocsin.incident.Permissions.Action.ADMINISTER, java.util.Set.of());
        Optional<ConfigVersion> v = versions.find(version);
        if (v.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("what", "Configuration version " + version);
            return "ui/not-found";
        }
        PageModel.Viewer viewer = PageModel.viewer(engine.organisation(), who);
        model.addAttribute("version", version(v.get(), viewer, active.currentVersion()));
        model.addAttribute("source", v.get().sourceText());
        return "ui/config-version";
    }

    @PostMapping("/dead-letters/{id}/replay")
    String replay(@PathVariable long id, Authentication who, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        permissions.require(Sessions.caller(tokens, who), io.tocsin.incident.Permissions.Action.OPERATE, java.util.Set.of());
        try {
            if (deadLetters.replay(id, who.getName(), "ui").isEmpty()) {
                response.setStatus(HttpServletResponse.SC_NOT_FOUND);
                model.addAttribute("what", "Delivery " + id);
                return "ui/not-found";
            }
            redirect.addFlashAttribute("message", "delivery " + id + " queued again with the same idempotency key");
        } catch (DeadLetters.Refused refused) {
            redirect.addFlashAttribute("error", refused.getMessage());
        }
        return "redirect:/ui/admin#dead-letters";
    }

    private static VersionLine version(ConfigVersion v, PageModel.Viewer viewer, long current) {
        return new VersionLine(v.version(), viewer.minutes(v.appliedAt()), v.appliedBy(), v.version() == current, v.diff());
    }
}
