package io.tocsin.notify;

import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * E-mail over SMTP: a plain-text and an HTML part; the subject names severity, service and incident.
 *
 * <p>Every e-mail of one incident is one thread in the reader's mail client: each carries
 * {@code In-Reply-To} and {@code References} naming the incident ({@code <incident-42@domain>}), and
 * a Message-ID of its own made from its delivery's idempotency key. Its own, because a mail client
 * (Gmail among them) drops a second message with a Message-ID it already has, and a second page to
 * the same person must never be dropped; made from the key, so a retry after a timeout is the same
 * message, not a second one. The domain is the public URL's host (or the sender address's), never
 * {@code localhost}, which spam filters and clients treat as forged.
 */
final class EmailChannel implements Channel {
    private final JavaMailSender mail;
    private final String from;
    private final String domain;

    EmailChannel(JavaMailSender mail, String from, String publicUrl) {
        this.mail = mail;
        this.from = from;
        this.domain = messageIdDomain(publicUrl, from);
    }

    /** The public URL's host; else the sender address's domain; else a name that says it is not a real host. */
    static String messageIdDomain(String publicUrl, String from) {
        String host = null;
        try {
            host = publicUrl == null || publicUrl.isBlank() ? null : java.net.URI.create(publicUrl.trim()).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (usable(host)) {
            return host.toLowerCase(java.util.Locale.ROOT);
        }
        String sender = from == null ? "" : from.replaceAll(".*<", "").replaceAll(">.*", "").trim();
        String senderDomain = sender.contains("@") ? sender.substring(sender.lastIndexOf('@') + 1) : null;
        return usable(senderDomain) ? senderDomain.toLowerCase(java.util.Locale.ROOT) : "tocsin.invalid";
    }

    private static boolean usable(String host) {
        return host != null && !host.isBlank() && !host.equalsIgnoreCase("localhost") && !host.startsWith("127.")
                && !host.equals("[::1]") && host.matches("[A-Za-z0-9.-]+");
    }

    /** The thread every e-mail of an incident belongs to; null for mail about no incident (a test page). */
    String threadId(String incidentId) {
        return incidentId == null || incidentId.isBlank() ? null
                : "<" + incidentId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "") + "@" + domain + ">";
    }

    /** This delivery's own Message-ID: the same for every attempt of it. */
    String messageId(String idempotencyKey) {
        return "<" + java.util.HexFormat.of().formatHex(sha256(idempotencyKey), 0, 16) + ".tocsin@" + domain + ">";
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    @java.lang.Override
    public String type() {
        return "email";
    }

    @java.lang.Override
    public SendResult send(Message m) {
        try {
            MimeMessage mime = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(mime, true, "UTF-8");
            helper.setFrom(from);
            helper.setTo(m.address());
            helper.setSubject(m.subject());
            helper.setText(m.text(), m.html());
            mime.setHeader("X-Tocsin-Idempotency-Key", m.idempotencyKey());
            String thread = threadId(m.incidentId());
            if (thread != null) {
                mime.setHeader("In-Reply-To", thread);
                mime.setHeader("References", thread);
            }
            if (m.highUrgency()) {
                mime.setHeader("X-Priority", "1");
                mime.setHeader("Importance", "high");
            }
            // JavaMailSenderImpl keeps a Message-ID set before sending (JavaMail would make up its own).
            mime.setHeader("Message-ID", messageId(m.idempotencyKey()));
            mail.send(mime);
            return SendResult.sent("250");
        } catch (MailParseException | MailPreparationException e) {
            return SendResult.permanent("bad-message", e.getMessage());
        } catch (MailAuthenticationException e) {
            return SendResult.retry("auth-failed", null, e.getMessage());
        } catch (MailException e) {
            // Refused connection, 4xx from the server, timeout: the next attempt may well succeed.
            return SendResult.retry("smtp-error", null, e.getMessage());
        } catch (jakarta.mail.MessagingException e) {
            return SendResult.permanent("bad-address", e.getMessage());
        }
    }
}
