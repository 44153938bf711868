package io.tocsin.incident;

import io.tocsin.engine.Outgoing;
import io.tocsin.engine.TimelineEntry;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.PostmortemStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reminds owners of overdue postmortems and action items, once per due date: a notice to the owner
 * through the outbox (their notification rules decide how it reaches them), and a
 * {@code POSTMORTEM_OVERDUE} entry on the incident's timeline, in one transaction that also marks
 * the due date reminded. A new due date (the postmortem or the item moved) reminds again. Rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED}, and the outbox key is unique, so with many nodes an
 * owner is reminded once. {@link #runOnce} is the step; the schedule only calls it with the clock.
 */
@Component
public class PostmortemReminders {
    private static final Logger LOG = LoggerFactory.getLogger(PostmortemReminders.class);
    /** One per component: what it said last is this server's, not another context's in the same JVM. */
    private final io.tocsin.store.OutageLog outage = new io.tocsin.store.OutageLog(LOG);
    private static final int BATCH = 100;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    private final PostmortemStore store;
    private final IncidentStore incidents;
    private final IncidentEngine engine;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean enabled;

    PostmortemReminders(PostmortemStore store, IncidentStore incidents, IncidentEngine engine, Clock clock, TransactionTemplate tx,
                        @Value("${tocsin.postmortem.reminders:true}") boolean enabled) {
        this.store = store;
        this.incidents = incidents;
        this.engine = engine;
        this.clock = clock;
        this.tx = tx;
        this.enabled = enabled;
    }

    @Scheduled(fixedDelayString = "${tocsin.postmortem.poll-interval:60s}")
    void scheduledPoll() {
        if (!enabled) {
            return;
        }
        try {
            runOnce(clock.instant());
        } catch (RuntimeException e) {
            if (!outage.quietly("reminding of overdue postmortems", e)) {
                LOG.error("reminding of overdue postmortems failed; retrying on the next poll", io.tocsin.store.OutageLog.explained(e));
            }
        }
    }

    /** Reminds of everything overdue at {@code now} not yet reminded of; returns how many reminders it queued. */
    public int runOnce(Instant now) {
        ZoneId zone = engine.organisation().zone();
        Integer n = tx.execute(status -> {
            int count = 0;
            for (PostmortemStore.Postmortem p : store.overdueForUpdate(now, BATCH)) {
                String text = "The postmortem of INC-" + p.incidentId() + " was due " + p.dueAt().atZone(zone).format(LOCAL) + " and is not "
                        + "published yet (owner " + p.owner() + ")";
                remind(p.incidentId(), p.owner(), "postmortem|INC-" + p.incidentId() + "|" + p.dueAt().toEpochMilli() + "|" + p.owner(), text, now);
                store.reminded(p.incidentId(), p.dueAt());
                count++;
            }
            // An item's due date is a local date: it is overdue once that day has ended where the organisation is.
            LocalDate today = now.atZone(zone).toLocalDate();
            for (PostmortemStore.Action a : store.overdueActionsForUpdate(today, BATCH)) {
                String text = "Postmortem action item of INC-" + a.incidentId() + " was due " + a.dueOn() + " and is not done (owner " + a.owner()
                        + "): " + a.text();
                remind(a.incidentId(), a.owner(), "postmortem-action|" + a.id() + "|" + a.dueOn() + "|" + a.owner(), text, now);
                store.actionReminded(a.id(), a.dueOn());
                count++;
            }
            return count;
        });
        return n == null ? 0 : n;
    }

    private void remind(long incidentId, String owner, String key, String text, Instant now) {
        incidents.append(incidentId, Postmortems.entry(incidentId, now, TimelineEntry.Kind.POSTMORTEM_OVERDUE, "tocsin", "engine", text));
        TimelineEntry entry = new TimelineEntry(now, TimelineEntry.Kind.POSTMORTEM_OVERDUE, null, null, null, List.of(owner), text);
        incidents.enqueue(incidentId, new Outgoing(Outgoing.Kind.NOTICE, owner, key, text, entry), now);
    }
}
