package io.tocsin.notify;

import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/** E-mail over SMTP: a plain-text and an HTML part; the subject names severity, service and incident. */
final class EmailChannel implements Channel {
    private final JavaMailSender mail;
    private final String from;

    EmailChannel(JavaMailSender mail, String from) {
        this.mail = mail;
        this.from = from;
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
            if (m.highUrgency()) {
                mime.setHeader("X-Priority", "1");
                mime.setHeader("Importance", "high");
            }
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
