package io.tocsin.incident;

import io.tocsin.config.PublicUrl;
import io.tocsin.engine.Command;
import io.tocsin.engine.IncidentState;
import io.tocsin.store.AuditLog;
import io.tocsin.store.IncidentRow;
import io.tocsin.store.IngestBucketStore;
import io.tocsin.store.NotificationStore;
import io.tocsin.store.StatusPageStore;
import io.tocsin.store.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the public status page publishes and who hears of it. Every structured status update is kept
 * as posted (status, message, impact, next update due); an incident is public while its severity has
 * {@code status_page: true}. Each update of a public incident is e-mailed to every confirmed subscriber
 * in the transaction that posted it: one delivery per subscriber (kind {@value #KIND}, unique key),
 * sent by the dispatcher through the e-mail channel with its retries like any other message.
 */
@Service
public class PublicStatus {
    public static final String KIND = "STATUS";

    /** A subscription refused for now: which limit ({@code email} or {@code client}) and in how many seconds it has room again. */
    public record Limited(String field, String message, long retryAfterSeconds) {
    }

    private final StatusPageStore store;
    private final IngestBucketStore buckets;
    private final IngestBucketStore.Shape perAddress;
    private final IngestBucketStore.Shape perClient;
    private final NotificationStore deliveries;
    private final IncidentEngine engine;
    private final PublicUrl publicUrl;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate tx;

    /**
     * {@code per-address} and {@code per-client}: confirmations a single e-mail address, and subscriptions
     * a single client address, may ask for within an hour (a bucket that refills evenly over the hour), so
     * the form can be used neither to flood someone's mailbox nor to fill the subscriber table.
     */
    public PublicStatus(StatusPageStore store, IngestBucketStore buckets, NotificationStore deliveries, IncidentEngine engine,
                        PublicUrl publicUrl, AuditLog audit, Clock clock, TransactionTemplate tx,
                        @Value("${tocsin.status-page.subscribe.per-address:3}") int perAddress,
                        @Value("${tocsin.status-page.subscribe.per-client:20}") int perClient) {
        if (perAddress < 1 || perClient < 1) {
            throw new IllegalStateException("tocsin.status-page.subscribe.per-address and .per-client must be at least 1");
        }
        this.buckets = buckets;
        this.perAddress = hourly(perAddress);
        this.perClient = hourly(perClient);
        this.store = store;
        this.deliveries = deliveries;
        this.engine = engine;
        this.publicUrl = publicUrl;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    /** Whether incidents of this severity are shown on the status page (its {@code status_page}). */
    public boolean isPublic(String severity) {
        var s = engine.engine().rules().severities().get(severity);
        return s != null && s.statusPage();
    }

    /** Called in the transaction that posted the update. */
    void onUpdate(IncidentRow row, IncidentState after, Command.PostUpdate u, Instant now) {
        long updateId = store.addUpdate(row.id(), now, u.status(), u.message(), u.impact(), after.nextUpdatePromised());
        if (!isPublic(after.severity())) {
            return;
        }
        String service = serviceName(after.service());
        String subject = "[" + engine.organisation().name() + " status] " + service + ": " + (u.status() == null ? "update" : u.status());
        for (StatusPageStore.Subscriber sub : store.confirmedSubscribers()) {
            StringBuilder body = new StringBuilder();
            body.append(service).append(" — ").append(u.status() == null ? "update" : u.status()).append("\n\n").append(u.message()).append('\n');
            if (u.impact() != null && !u.impact().isBlank()) {
                body.append("\nImpact: ").append(u.impact()).append('\n');
            }
            if (after.nextUpdatePromised() != null) {
                body.append("\nNext update by ").append(after.nextUpdatePromised()).append('\n');
            }
            body.append("\nStatus page: ").append(publicUrl.resolve("/status")).append('\n');
            body.append("Unsubscribe: ").append(unsubscribeLink(sub.id())).append('\n');
            mail(sub, "status-update|" + updateId + "|" + sub.id(), subject, body.toString(), now);
        }
    }

    private void mail(StatusPageStore.Subscriber sub, String key, String subject, String body, Instant now) {
        // The reason carries the whole message (subject, a blank line, the body): a subscriber is no
        // person of the organisation, so no template, no acknowledgement link and nothing private.
        deliveries.create(new NotificationStore.NewDelivery(null, null, "subscriber:" + sub.id(), KIND, 0, "email", "email", sub.email(), key,
                subject + "\n\n" + body, now), now);
    }

    String serviceName(String id) {
        return engine.organisation().config().services().stream().filter(s -> s.id().equals(id)).findFirst()
                .map(s -> s.name() == null ? s.id() : s.name()).orElse(id);
    }

    private static IngestBucketStore.Shape hourly(int n) {
        return new IngestBucketStore.Shape(n, n / (double) Duration.ofHours(1).toMillis());
    }

    /**
     * A subscription to confirm: e-mails the confirmation link (its token is stored hashed), unless the
     * client or the address has asked too often within the hour. The buckets are rows every node shares
     * ({@code ingest_bucket}, under hashed keys of their own), so the limits hold for the cluster; they run
     * on the server's clock.
     */
    public Optional<Limited> subscribe(String email, String client, String via) {
        String address = email.strip().toLowerCase(Locale.ROOT);
        long now = clock.millis();
        Optional<Limited> limited = take("status-subscribe|client|" + client, perClient, now, "client",
                "too many subscriptions from this address; try again later")
                .or(() -> take("status-subscribe|email|" + address, perAddress, now, "email",
                        "too many confirmation e-mails asked for this address; try again later"));
        if (limited.isPresent()) {
            return limited;
        }
        subscribe(address, via);
        return Optional.empty();
    }

    private Optional<Limited> take(String key, IngestBucketStore.Shape shape, long now, String field, String message) {
        String hash = TokenHash.sha256(key);
        if (buckets.take(hash, 1, now, shape)) {
            return Optional.empty();
        }
        double tokens = buckets.available(hash, now, shape).orElse(0.0);
        // Less a hair: 1 / (3 per hour) is 1200.0000000000002 s in doubles, and that is not 1201 s.
        long seconds = (long) Math.ceil((1 - tokens) / shape.perMilli() / 1000.0 - 1e-6);
        return Optional.of(new Limited(field, message, Math.max(1, seconds)));
    }

    private void subscribe(String address, String via) {
        try {
            subscribeOnce(address, via);
        } catch (org.springframework.dao.DuplicateKeyException sameAddressMeanwhile) {
            // The same address asked twice at once (a double click, two nodes): both found no subscriber
            // and both added one. The other is there now: this asks again, as a known address does.
            subscribeOnce(address, via);
        }
    }

    private void subscribeOnce(String address, String via) {
        tx.executeWithoutResult(status -> {
            Instant now = clock.instant();
            String token = TokenHash.newToken();
            Optional<StatusPageStore.Subscriber> before = store.subscriberByEmail(address);
            long id = store.subscribe(address, TokenHash.sha256(token), now);
            StatusPageStore.Subscriber sub = store.subscriber(id).orElseThrow();
            String org = engine.organisation().name();
            // the token in the key: two asks in the same millisecond (a double click) are two messages, the
            // second carrying the token that is now valid
            mail(sub, "status-subscribe|" + id + "|" + now.toEpochMilli() + "|" + TokenHash.sha256(token).substring(0, 16),
                    "Confirm your subscription to " + org + " status",
                    "Someone (we hope you) asked for e-mail about " + org + "'s service status at this address.\n\nConfirm: "
                            + publicUrl.resolve("/status/confirm?token=" + token) + "\n\nUnsubscribe at any time: "
                            + unsubscribeLink(id) + "\n\nIgnore this message if it was not you.\n", now);
            audit.record("anonymous", via, "status.subscribe", "status/subscriber/" + id, before.map(PublicStatus::snapshot).orElse(null),
                    snapshot(sub), null);
        });
    }

    /** Confirms by the e-mailed token; false when it names no subscription. */
    public boolean confirm(String token, String via) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            Optional<StatusPageStore.Subscriber> sub = store.subscriberByToken(TokenHash.sha256(token));
            if (sub.isEmpty()) {
                return false;
            }
            if (sub.get().confirmedAt() == null) {
                store.confirm(sub.get().id(), clock.instant());
                audit.record("anonymous", via, "status.confirm", "status/subscriber/" + sub.get().id(), snapshot(sub.get()),
                        snapshot(store.subscriber(sub.get().id()).orElseThrow()), null);
            }
            return true;
        }));
    }

    /**
     * The link that ends a subscription: the subscriber's id signed with a secret shared by every node
     * (the confirmation token is stored only hashed, so it cannot be put into later e-mails).
     */
    String unsubscribeLink(long id) {
        return publicUrl.resolve("/status/unsubscribe?s=" + id + "&sig=" + signature(id));
    }

    private String signature(long id) {
        String secret = deliveries.secret("status-unsubscribe", TokenHash::newToken);
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("unsubscribe|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Ends a subscription by its signed link; false when the link is not valid or names none (already unsubscribed). */
    public boolean unsubscribe(long id, String sig, String via) {
        if (sig == null || !java.security.MessageDigest.isEqual(signature(id).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                sig.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            return false;
        }
        return Boolean.TRUE.equals(tx.execute(status -> {
            Optional<StatusPageStore.Subscriber> sub = store.subscriber(id);
            sub.ifPresent(s -> {
                store.unsubscribe(s.id());
                audit.record("anonymous", via, "status.unsubscribe", "status/subscriber/" + s.id(), snapshot(s), null, null);
            });
            return sub.isPresent();
        }));
    }

    private static Map<String, Object> snapshot(StatusPageStore.Subscriber s) {
        return Map.of("email", s.email(), "confirmed", s.confirmedAt() != null);
    }
}
