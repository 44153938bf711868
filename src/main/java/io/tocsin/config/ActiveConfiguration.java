package io.tocsin.config;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.tocsin.store.AuditLog;
import io.tocsin.store.ConfigVersion;
import io.tocsin.store.ConfigVersionStore;
import io.tocsin.store.ScheduleOverrideStore;
import io.tocsin.store.StoredOverride;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The configuration this node runs. A new one is activated only when entirely valid (invariant 5);
 * each activation is a stored, audited version with a diff. Other nodes pick new versions up from
 * the database, so any node may take an apply.
 */
@Service
public class ActiveConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ActiveConfiguration.class);

    /**
     * Result of an apply: a new (or unchanged) version, or the problems that refused it, or the
     * changes of who is on call now that wait for a confirmation; {@code organisation} is the one it holds when valid.
     */
    public record Activation(boolean activated, boolean unchanged, ConfigVersion version, List<ConfigProblem> problems,
                             List<OnCallChanges.Change> onCallChanges, String diff,
                             Organisation organisation) {
        /** Valid, but it moves the pager right now and nobody said yes to that. */
        public boolean needsConfirmation() {
            return !activated && problems.isEmpty();
        }
    }

    private record Active(Organisation organisation, long version) {
    }

    private final ConfigVersionStore versions;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final AtomicReference<Active> active = new AtomicReference<>();

    private final ScheduleOverrideStore overrides;

    public ActiveConfiguration(ConfigVersionStore versions, AuditLog audit, Clock clock, TransactionTemplate tx,
                               ScheduleOverrideStore overrides) {
        this.overrides = overrides;
        this.versions = versions;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    public Organisation current() {
        Active a = active.get();
        if (a == null) {
            throw new IllegalStateException("no configuration is active yet");
        }
        return a.organisation();
    }

    public long currentVersion() {
        Active a = active.get();
        return a == null ? 0 : a.version();
    }

    /**
     * At start: validates {@code sources} and, when valid, stores and activates them as the next version,
     * whoever it puts on call; audited as coming through {@code startup}.
     */
    public Activation apply(List<SourceFile> sources, String actor) {
        return apply(sources, actor, "startup", true);
    }

    /**
     * Validates {@code sources} and, when valid, stores and activates them as the next version. A
     * version that changes who is on call right now (run-time overrides and swaps counted) is
     * activated only when {@code confirmed}; otherwise nothing changes and the answer says who would
     * be on call instead of whom. The diff of a version that moved the pager starts with those lines.
     */
    public synchronized Activation apply(List<SourceFile> sources, String actor, String via, boolean confirmed) {
        LoadedConfig loaded = ConfigLoader.loadSources(sources);
        if (!loaded.isValid()) {
            return new Activation(false, false, null, loaded.problems(), List.of(), null, null);
        }
        String text = ConfigText.join(sources);
        String checksum = ConfigText.checksum(text);
        Optional<ConfigVersion> previous = versions.latest();
        if (previous.isPresent() && previous.get().checksum().equals(checksum)) {
            active.set(new Active(loaded.organisationOrNull(), previous.get().version()));
            return new Activation(true, true, previous.get(), List.of(), List.of(), previous.get().diff(), loaded.organisationOrNull());
        }
        long next = previous.map(v -> v.version() + 1).orElse(1L);
        Instant now = clock.instant();
        List<OnCallChanges.Change> moved = onCallChanges(loaded.organisationOrNull(), now);
        String diff = (moved.isEmpty() ? "" : OnCallChanges.describe(moved, now) + "\n")
                + diff(previous.map(ConfigVersion::sourceText).orElse(""), text, next);
        if (!moved.isEmpty() && !confirmed) {
            return new Activation(false, false, null, List.of(), moved, diff, loaded.organisationOrNull());
        }
        ConfigVersion version = new ConfigVersion(next, now, actor, text, diff, checksum);
        try {
            tx.executeWithoutResult(status -> {
                versions.append(version);
                audit.record(actor, via, "config.activate", "config/v" + next, previous.map(ActiveConfiguration::audited).orElse(null),
                        audited(version), "organisation " + loaded.organisationOrNull().id() + ", " + sources.size() + " file(s)");
            });
        } catch (DuplicateKeyException race) {
            // Another node activated the same version number first; the caller may simply retry.
            throw new ConcurrentActivationException(next);
        }
        active.set(new Active(loaded.organisationOrNull(), next));
        LOG.info("activated configuration version {} of organisation {} (applied by {})", next, loaded.organisationOrNull().id(), actor);
        return new Activation(true, false, version, List.of(), moved, diff, loaded.organisationOrNull());
    }

    /** What the audit log keeps of a version: its number and checksum (the text itself is in the version). */
    private static String audited(ConfigVersion v) {
        return "{\"version\":" + v.version() + ",\"checksum\":\"" + v.checksum() + "\"}";
    }

    /** Who is on call now under the running configuration and under {@code next}, overrides and swaps included in both. */
    private List<OnCallChanges.Change> onCallChanges(Organisation next, Instant now) {
        Active running = active.get();
        if (running == null) {
            return List.of();
        }
        List<StoredOverride> stored = overrides.all();
        return OnCallChanges.between(LiveSchedules.withRuntimeOverrides(running.organisation(), stored),
                LiveSchedules.withRuntimeOverrides(next, stored), now);
    }

    /** Activates the newest stored version, if any; used at start and to follow other nodes. */
    public boolean activateLatestStored() {
        Optional<ConfigVersion> latest = versions.latest();
        if (latest.isEmpty() || latest.get().version() == currentVersion()) {
            return false;
        }
        LoadedConfig loaded = ConfigLoader.loadSources(ConfigText.split(latest.get().sourceText()));
        if (!loaded.isValid()) {
            // Cannot happen for versions this code stored; keep running the current one and say so.
            LOG.error("stored configuration version {} no longer validates: {}", latest.get().version(), loaded.problems());
            return false;
        }
        active.set(new Active(loaded.organisationOrNull(), latest.get().version()));
        return true;
    }

    @Scheduled(fixedDelayString = "${tocsin.config.poll-interval:5s}", initialDelayString = "${tocsin.config.poll-interval:5s}")
    void followOtherNodes() {
        if (active.get() != null && activateLatestStored()) {
            LOG.info("now running configuration version {} activated by another node", currentVersion());
        }
    }

    static String diff(String before, String after, long version) {
        List<String> a = Arrays.asList(before.split("\n", -1));
        List<String> b = Arrays.asList(after.split("\n", -1));
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("v" + (version - 1), "v" + version, a,
                DiffUtils.diff(a, b), 2);
        return String.join("\n", lines);
    }

    /** Two nodes raced for the same version number. */
    public static final class ConcurrentActivationException extends RuntimeException {
        public ConcurrentActivationException(long version) {
            super("configuration version " + version + " was activated concurrently by another node; apply again");
        }
    }
}
