package io.tocsin.notify;

import io.tocsin.config.OrganisationConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Seed 001's "test alert routing": a test through every contact method of a person, now, each provider's answer reported. */
@Component
public class TestPages implements io.tocsin.incident.TestPaging.Sender {
    private final Channels channels;
    private final MessageComposer composer;
    private final Clock clock;

    TestPages(Channels channels, MessageComposer composer, Clock clock) {
        this.channels = channels;
        this.composer = composer;
        this.clock = clock;
    }

    /** One result per contact method: outcome, provider status, detail, milliseconds. */
    @java.lang.Override
    public List<Map<String, Object>> send(OrganisationConfig.Person person) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OrganisationConfig.ContactMethod c : person.contactMethods()) {
            Message m = composer.test(person, c, clock.instant().toEpochMilli());
            long started = System.nanoTime();
            SendResult r = channels.send(c.type(), m);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("contact_method", c.id());
            row.put("channel", c.type());
            row.put("outcome", r.outcome().name().toLowerCase());
            row.put("provider_status", r.providerStatus());
            row.put("detail", r.detail());
            row.put("millis", (System.nanoTime() - started) / 1_000_000);
            out.add(row);
        }
        return out;
    }
}
