package io.tocsin.notify;

import io.tocsin.incident.Redaction;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore.Delivery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What a delivery says: the running configuration's templates (else the bundled ones) over the
 * incident, with signed acknowledgement links for pages, and sensitive fields removed.
 */
@Component
class MessageComposer {
    private final IncidentStore incidents;
    private final IncidentEngine engine;
    private final AckLinks links;
    private final MessageTemplates templates = new MessageTemplates();

    MessageComposer(IncidentStore incidents, IncidentEngine engine, AckLinks links) {
        this.incidents = incidents;
        this.engine = engine;
        this.links = links;
    }

    /** The message of one delivery, rendered for its channel. */
    Message of(Delivery d, Optional<IncidentRow> incident) {
        if (io.tocsin.incident.PublicStatus.KIND.equals(d.kind())) {
            return subscriberMail(d);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        boolean page = "PAGE".equals(d.kind());
        String prefix = page ? "page" : HandoffNotices.KIND.equals(d.kind()) ? "handoff" : SwapNotices.KIND.equals(d.kind()) ? "swap"
                : "CHAT".equals(d.kind()) ? "chat" : "notice";
        String ack = null;
        String resolve = null;
        if (incident.isPresent()) {
            IncidentRow i = incident.get();
            // A channel or a vendor is not a person of the organisation: a link signed for it would act as
            // nobody in particular.
            if (!"CHAT".equals(d.kind()) && !d.personId().startsWith(io.tocsin.config.Organisation.VENDOR_PREFIX)) {
                ack = links.url(i.id(), "acknowledge", d.personId());
                resolve = links.url(i.id(), "resolve", d.personId());
            }
            model.put("incident", i.number());
            model.put("number", i.id());
            model.put("severity", i.severity());
            model.put("service", i.serviceId());
            model.put("summary", i.summary());
            model.put("status", i.status().toLowerCase());
        }
        model.put("reason", d.reason());
        model.put("event", d.reason());
        model.put("acknowledge_url", ack);
        model.put("resolve_url", resolve);
        MessageTemplates.Rendered r = templates.render(engine.organisation().config().notifications(), prefix, d.channel(),
                incident.map(IncidentRow::details).orElse(null), model);
        return new Message(d.idempotencyKey(), d.address(), r.subject(), r.text(), r.html(),
                page && incident.map(i -> Urgency.high(engine.organisation(), i.severity())).orElse(false),
                incident.map(IncidentRow::number).orElse(null), page ? ack : null, page ? resolve : null);
    }

    /**
     * An e-mail to a status-page subscriber: its subject and text were written when it was queued
     * (subject, blank line, body), from the public update only; no template, no links that act.
     */
    private static Message subscriberMail(Delivery d) {
        String reason = d.reason();
        int split = reason.indexOf("\n\n");
        String subject = split < 0 ? reason : reason.substring(0, split);
        String text = split < 0 ? reason : reason.substring(split + 2);
        String html = "<pre>" + org.springframework.web.util.HtmlUtils.htmlEscape(text) + "</pre>";
        return new Message(d.idempotencyKey(), d.address(), subject, text, html, false, null, null, null);
    }

    /** One message for several incidents, each with its reply code on SMS (the links of one would act on one only). */
    Message bundled(Delivery carrier, List<Delivery> others) {
        List<String> lines = new java.util.ArrayList<>();
        boolean urgent = false;
        for (Delivery x : java.util.stream.Stream.concat(java.util.stream.Stream.of(carrier), others.stream()).toList()) {
            Optional<IncidentRow> i = x.incidentId() == null ? Optional.empty() : incidents.find(x.incidentId());
            if (i.isEmpty()) {
                lines.add(new Redaction(engine.organisation().config().notifications().sensitiveFields()).apply(null).text(x.reason()));
                continue;
            }
            boolean page = "PAGE".equals(x.kind());
            urgent |= page && Urgency.high(engine.organisation(), i.get().severity());
            // A bundle skips the templates, not the redaction: each line is masked with its own incident's details.
            Redaction.Applied redaction = Redaction.forIncident(engine.organisation(), i.get());
            lines.add(i.get().number() + " " + i.get().severity() + " " + i.get().serviceId() + ": "
                    + redaction.text(page ? i.get().summary() : x.reason())
                    + (page && "sms".equals(carrier.channel()) ? " (reply " + i.get().id() + "a)" : ""));
        }
        String subject = lines.size() + " pages: " + String.join("; ", lines);
        String text = String.join("\n", lines);
        String html = "<ul>" + lines.stream().map(l -> "<li>" + org.springframework.web.util.HtmlUtils.htmlEscape(l) + "</li>")
                .collect(java.util.stream.Collectors.joining()) + "</ul>";
        return new Message(carrier.idempotencyKey(), carrier.address(), subject, text, html, urgent, null, null, null);
    }

    /** A test page through one contact method. */
    Message test(io.tocsin.config.OrganisationConfig.Person person, io.tocsin.config.OrganisationConfig.ContactMethod c, long nowMillis) {
        Map<String, Object> model = Map.of("person", person.name() == null ? person.id() : person.name(), "contact_method", c.id());
        MessageTemplates.Rendered t = templates.render(engine.organisation().config().notifications(), "test", c.type(), null, model);
        return new Message("test|" + person.id() + "|" + c.id() + "|" + nowMillis, c.address(), t.subject(), t.text(), t.html(),
                false, null, null, null);
    }
}
