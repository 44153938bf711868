package io.tocsin.api;

import io.tocsin.incident.IncidentEngine;
import io.tocsin.incident.KillSwitches;
import io.tocsin.store.KillSwitch;
import io.tocsin.store.KillSwitchStore;
import java.security.Principal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The organisation-wide kill switches: {@code GET} for people and for the systems that act on their own
 * (they read {@code automation} and {@code safe_mode} here), {@code PUT} to set some of them
 * ({@code {"automation": false}}; {@code true}/{@code false} or {@code "on"}/{@code "off"}).
 */
@RestController
class SwitchesController {
    record SwitchView(boolean on, String state, java.time.Instant changedAt, String changedBy, String via) {
        static SwitchView of(KillSwitchStore.State s) {
            return new SwitchView(s.on(), s.on() ? "on" : "off", s.changedAt(), s.changedBy(), s.via());
        }
    }

    private final KillSwitches switches;
    private final IncidentEngine engine;

    SwitchesController(KillSwitches switches, IncidentEngine engine) {
        this.switches = switches;
        this.engine = engine;
    }

    @GetMapping("/api/v1/switches")
    Map<String, SwitchView> list() {
        return view(switches.current());
    }

    @PutMapping("/api/v1/switches")
    Map<String, SwitchView> set(@RequestBody(required = false) JsonNode body, Principal who) {
        Map<KillSwitch, Boolean> wanted = parse(body);
        String actor = FromHeader.actor(who);
        return view(switches.set(wanted, actor, "api").after());
    }

    /** Every key a switch, every value on or off; anything else is refused whole, before anything changes. */
    static Map<KillSwitch, Boolean> parse(JsonNode body) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw new BadRequestException("body", "a JSON object of switches, like {\"automation\": false} (switches: " + KillSwitch.names() + ")");
        }
        Map<KillSwitch, Boolean> wanted = new EnumMap<>(KillSwitch.class);
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            KillSwitch s = KillSwitch.of(e.getKey()).orElseThrow(() -> new BadRequestException(field(e.getKey()),
                    "no switch \"" + field(e.getKey()) + "\" (switches: " + KillSwitch.names() + ")"));
            wanted.put(s, onOff(s.id(), e.getValue()));
        }
        return wanted;
    }

    /** true/false, or on/off in words (the CLI's). */
    static boolean onOff(String field, JsonNode value) {
        if (value != null && value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value != null && value.isString() ? value.stringValue().trim().toLowerCase(Locale.ROOT) : null;
        if ("on".equals(text)) {
            return true;
        }
        if ("off".equals(text)) {
            return false;
        }
        throw new BadRequestException(field, "must be true or false (or \"on\" or \"off\")");
    }

    /** A field name as echoed in a problem: bounded, so a megabyte-long key is not sent back. */
    private static String field(String name) {
        return name.length() > 100 ? name.substring(0, 100) + "..." : name;
    }

    static Map<String, SwitchView> view(Map<KillSwitch, KillSwitchStore.State> states) {
        Map<String, SwitchView> out = new LinkedHashMap<>();
        states.forEach((s, st) -> out.put(s.id(), SwitchView.of(st)));
        return out;
    }
}
