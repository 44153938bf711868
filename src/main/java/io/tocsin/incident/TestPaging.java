package io.tocsin.incident;

import io.tocsin.config.OrganisationConfig;
import io.tocsin.store.AuditLog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * A test page to every contact method of a person, now, with each provider's answer: asked for from
 * the API or the browser UI alike, and audited. The sending is the notify module's; it plugs in as a
 * {@link Sender} so that the shells need not know it.
 */
@Service
public class TestPaging {
    /** Sends one test message per contact method; one result each (contact_method, channel, outcome, provider_status, detail, millis). */
    public interface Sender {
        List<Map<String, Object>> send(OrganisationConfig.Person person);
    }

    public record Result(String person, boolean allSent, List<Map<String, Object>> results) {
    }

    private final Sender sender;
    private final IncidentEngine engine;
    private final AuditLog audit;

    public TestPaging(Sender sender, IncidentEngine engine, AuditLog audit) {
        this.sender = sender;
        this.engine = engine;
        this.audit = audit;
    }

    /** Empty when the organisation has no such person. */
    public Optional<Result> send(String personId, String actor, String via) {
        Optional<OrganisationConfig.Person> person = engine.organisation().person(personId);
        if (person.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> results = sender.send(person.get());
        boolean allSent = results.stream().allMatch(r -> "sent".equals(r.get("outcome")));
        // Sent outside any transaction (a provider can be slow); what went out is recorded afterwards.
        audit.record(actor, via, "person.test-page", "person/" + personId, null, Map.of("results", results),
                allSent ? "every contact method answered" : "some contact methods failed");
        return Optional.of(new Result(personId, allSent, results));
    }
}
