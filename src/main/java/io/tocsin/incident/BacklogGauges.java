package io.tocsin.incident;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tocsin.store.BacklogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What is waiting, as gauges an operator can alert on: open incidents by severity and status, messages
 * queued and not yet expanded into deliveries, deliveries due and not sent, timers due and not fired,
 * each with the age of the oldest. Read from the database every {@code tocsin.metrics.backlog-interval}
 * (every node reports the shared backlog), never on the scrape itself, so a slow database cannot make
 * the metrics endpoint hang.
 */
@Component
public class BacklogGauges {
    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    private final BacklogStore backlog;
    private final Clock clock;
    private final MultiGauge open;
    private final AtomicReference<Snapshot> last = new AtomicReference<>(Snapshot.EMPTY);

    private record Snapshot(Instant at, BacklogStore.Waiting outbox, BacklogStore.Waiting deliveries, BacklogStore.Waiting timers) {
        static final Snapshot EMPTY = new Snapshot(null, new BacklogStore.Waiting(0, null), new BacklogStore.Waiting(0, null),
                new BacklogStore.Waiting(0, null));
    }

    BacklogGauges(BacklogStore backlog, Clock clock, MeterRegistry meters) {
        this.backlog = backlog;
        this.clock = clock;
        this.open = MultiGauge.builder("tocsin.incidents.open").description("Open incidents by severity and status").register(meters);
        waiting(meters, "tocsin.outbox.backlog", "Messages the engine queued (pages, notices, chat posts) not yet turned into deliveries",
                "tocsin.outbox.oldest.age", "Age of the oldest message not yet turned into deliveries", Snapshot::outbox);
        waiting(meters, "tocsin.deliveries.due", "Deliveries due (first attempts and retries) and not yet sent",
                "tocsin.deliveries.oldest.age", "How long the oldest due delivery has waited past its due time", Snapshot::deliveries);
        waiting(meters, "tocsin.timers.overdue", "Incident timers (escalation levels, targets, reminders) due and not yet fired",
                "tocsin.timers.oldest.age", "How long the oldest due timer has waited past its due time", Snapshot::timers);
    }

    private void waiting(MeterRegistry meters, String count, String countHelp, String age, String ageHelp,
                         java.util.function.Function<Snapshot, BacklogStore.Waiting> of) {
        Gauge.builder(count, last, r -> of.apply(r.get()).count()).description(countHelp).register(meters);
        Gauge.builder(age, last, r -> {
            Snapshot s = r.get();
            Instant oldest = of.apply(s).oldestDue();
            return oldest == null || s.at() == null ? 0 : Math.max(0, Duration.between(oldest, s.at()).toMillis() / 1000.0);
        }).description(ageHelp).baseUnit("seconds").register(meters);
    }

    @Scheduled(fixedDelayString = "${tocsin.metrics.backlog-interval:10s}")
    void poll() {
        try {
            runOnce(clock.instant());
        } catch (RuntimeException e) {
            // the database is away: the gauges keep their last reading; health says DOWN meanwhile
            LOG.debug("reading the backlog for the gauges failed", e);
        }
    }

    /** Reads the backlog as of {@code now} into the gauges. */
    public void runOnce(Instant now) {
        open.register(backlog.openIncidents().stream()
                .map(c -> MultiGauge.Row.of(Tags.of("severity", c.severity(), "status", c.status().toLowerCase(java.util.Locale.ROOT)), c.count()))
                .toList(), true);
        last.set(new Snapshot(now, backlog.outboxToExpand(), backlog.deliveriesDue(now), backlog.timersDue(now)));
    }
}
