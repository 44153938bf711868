package io.tocsin.notify;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.incident.IncidentEngine;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IncidentStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.OutageLog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Turns what the engine queued ("page this person for this step", "tell this channel") into
 * deliveries, one per contact method at the time the person's rules say, each with an idempotency
 * key that names incident, step, person, rule step and contact method.
 */
@Component
class OutboxExpansion {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboxExpansion.class);

    private final NotificationStore deliveries;
    private final IncidentStore incidents;
    private final IncidentEngine engine;
    private final Channels channels;
    private final DeliveryTimeline timeline;
    private final Clock clock;

    OutboxExpansion(NotificationStore deliveries, IncidentStore incidents, IncidentEngine engine, Channels channels,
                    DeliveryTimeline timeline, Clock clock) {
        this.deliveries = deliveries;
        this.incidents = incidents;
        this.engine = engine;
        this.channels = channels;
        this.timeline = timeline;
        this.clock = clock;
    }

    /** Expands one waiting outbox row; false when none waits. Runs inside the caller's transaction. */
    /**
     * Expands up to {@code limit} waiting outbox rows in the caller's transaction (one commit for all of
     * them: in a storm the rows come in hundreds); returns how many were claimed. With {@code status},
     * each row is expanded under a savepoint: one that fails is tried again later on its own backoff and
     * said on its incident's timeline, while the others commit (the caller does that after a batch
     * without savepoints failed). Before, one row that could not be
     * expanded rolled back its whole batch on every poll, and since the oldest rows are claimed first,
     * no page of anyone went out again.
     */
    int expand(int limit, org.springframework.transaction.TransactionStatus status) {
        Instant now = clock.instant();
        List<NotificationStore.OutboxRow> claimed = deliveries.claimOutbox(limit, now);
        for (NotificationStore.OutboxRow row : claimed) {
            if (status == null) {
                expand(row, now);
                continue;
            }
            Object savepoint = status.createSavepoint();
            try {
                expand(row, now);
                status.releaseSavepoint(savepoint);
            } catch (RuntimeException e) {
                rollBackTo(status, savepoint, e);
                Object noting = status.createSavepoint();
                try {
                    failed(row, now, e);
                    status.releaseSavepoint(noting);
                } catch (RuntimeException notNoted) {
                    // Not even the retry could be written: the row is claimed again on the next poll, the
                    // others of this batch go out all the same.
                    rollBackTo(status, noting, notNoted);
                    LOG.error("outbox row {} could not be expanded nor its failure recorded", row.id(), OutageLog.explained(notNoted));
                }
            }
        }
        return claimed.size();
    }

    /**
     * Back to {@code savepoint} after {@code failure}. When even that fails the connection itself is gone
     * (the database went away, which no row is to blame for): the whole batch fails, and nothing is
     * counted against any row.
     */
    private static void rollBackTo(org.springframework.transaction.TransactionStatus status, Object savepoint, RuntimeException failure) {
        try {
            status.rollbackToSavepoint(savepoint);
        } catch (RuntimeException gone) {
            failure.addSuppressed(gone);
            throw failure;
        }
    }

    /** 1 s, 2 s, 4 s ... at most 5 minutes between tries: a page is never given up on here. */
    static java.time.Duration backoff(int failures) {
        return java.time.Duration.ofSeconds(Math.min(1L << Math.min(Math.max(failures - 1, 0), 9), 300));
    }

    private void failed(NotificationStore.OutboxRow row, Instant now, RuntimeException e) {
        int failures = deliveries.retryOutbox(row.id(), n -> now.plus(backoff(n)), String.valueOf(e.getMessage()));
        java.time.Duration wait = backoff(failures);
        LOG.error("preparing outbox row {} ({} to {}) failed {} time(s); trying again in {} s", row.id(), row.kind(), row.personId(),
                failures, wait.toSeconds(), OutageLog.explained(e));
        timeline.say(row.incidentId(), "DELIVERY_FAILED", List.of(row.personId()), "could not prepare the " + row.kind().toLowerCase()
                + " to " + row.personId() + " (the server log has the details); trying again in " + wait.toSeconds() + " s");
    }

    private void expand(NotificationStore.OutboxRow row, Instant now) {
        if ("CHAT".equals(row.kind())) {
            expandChatPost(row, now);
            return;
        }
        Organisation org = engine.organisation();
        Optional<OrganisationConfig.Person> person = org.recipient(row.personId());
        if (person.isEmpty()) {
            deliveries.finishOutbox(row.id(), "DEAD", "no person " + row.personId() + " in the running configuration");
            timeline.say(row.incidentId(), "DELIVERY_DEAD", List.of(row.personId()), "cannot reach " + row.personId()
                    + ": not in the running configuration");
            return;
        }
        boolean notice = "NOTICE".equals(row.kind());
        List<PlannedDelivery> plan = notice ? NotificationRulesPlan.forNotice(person.get()).map(List::of).orElse(List.of())
                : NotificationRulesPlan.forPage(person.get(), Urgency.high(org, incidents.find(row.incidentId()).map(IncidentRow::severity).orElse(null)));
        if (plan.isEmpty()) {
            deliveries.finishOutbox(row.id(), "DEAD", row.personId() + " has no contact methods");
            timeline.say(row.incidentId(), "DELIVERY_DEAD", List.of(row.personId()), "cannot reach " + row.personId()
                    + ": no contact methods configured");
            return;
        }
        for (PlannedDelivery p : plan) {
            deliveries.create(new NotificationStore.NewDelivery(row.id(), row.incidentId(), row.personId(), row.kind(), p.step(),
                    p.contactMethod(), p.channel(), p.address(), row.idempotencyKey() + "|" + p.step() + "|" + p.contactMethod(),
                    row.reason(), row.createdAt().plus(p.after())), now);
        }
        deliveries.finishOutbox(row.id(), "EXPANDED", null);
        return;
    }

    /** A post in a chat channel: one delivery, no personal rules, no fallback. */
    private void expandChatPost(NotificationStore.OutboxRow row, Instant now) {
        String channel = row.personId();
        Optional<String> type;
        try {
            type = channels.chatType(channel);
        } catch (IllegalArgumentException badUrl) {
            type = Optional.empty();
        }
        if (type.isEmpty()) {
            deliveries.finishOutbox(row.id(), "SKIPPED", "no way to post to " + channel + " (no Slack bot token configured)");
            return;
        }
        deliveries.create(new NotificationStore.NewDelivery(row.id(), row.incidentId(), channel, row.kind(), 0, "chat", type.get(),
                channel, row.idempotencyKey(), row.reason(), row.createdAt()), now);
        deliveries.finishOutbox(row.id(), "EXPANDED", null);
    }
}
