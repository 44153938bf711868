package io.tocsin.web;

import io.tocsin.config.PolicyLadders;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** The escalation policies drawn as ladders, with whom each level would reach now ({@link PolicyLadders}). */
@Controller
@RequestMapping("/ui")
class PolicyPages {
    private final PolicyLadders ladders;
    private final io.tocsin.incident.IncidentEngine engine;
    private final java.time.Clock clock;

    PolicyPages(PolicyLadders ladders, io.tocsin.incident.IncidentEngine engine, java.time.Clock clock) {
        this.ladders = ladders;
        this.engine = engine;
        this.clock = clock;
    }

    @GetMapping("/policies")
    String policies(Model model, Authentication who) {
        PageModel.Viewer viewer = PageModel.viewer(engine.organisation(), who);
        java.time.Instant now = clock.instant();
        model.addAttribute("policies", ladders.policies());
        model.addAttribute("now", viewer.at(now));
        model.addAttribute("zone", viewer.zoneName(now));
        return "ui/policies";
    }
}
