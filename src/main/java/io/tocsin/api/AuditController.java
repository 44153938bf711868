package io.tocsin.api;

import io.tocsin.store.AuditEntry;
import io.tocsin.store.AuditLog;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
class AuditController {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An entry as answered: {@code before} and {@code after} as JSON objects, not strings holding JSON. */
    record EntryView(long id, Instant at, String actor, String via, String action, String subject, JsonNode before, JsonNode after,
                     String detail) {
        static EntryView of(AuditEntry e) {
            return new EntryView(e.id(), e.at(), e.actor(), e.via(), e.action(), e.subject(), json(e.before()), json(e.after()), e.detail());
        }

        private static JsonNode json(String text) {
            return text == null ? null : JSON.readTree(text);
        }
    }

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    /** Newest first; {@code subject} narrows it to one subject, like {@code incident/INC-3} or {@code config/v2}. */
    @GetMapping("/api/v1/audit")
    org.springframework.http.ResponseEntity<List<EntryView>> recent(@RequestParam(defaultValue = "100") int limit,
                                                                    @RequestParam(required = false) String subject,
                                                                    @RequestParam(required = false) String cursor,
                                                                    jakarta.servlet.http.HttpServletRequest request) {
        Paging.Asked asked = Paging.asked(limit, cursor);
        List<EntryView> rows = audit.recent(subject == null || subject.isBlank() ? null : subject, asked.before(), asked.readAhead())
                .stream().map(EntryView::of).toList();
        return Paging.page(rows, asked.size(), EntryView::id, request);
    }
}
