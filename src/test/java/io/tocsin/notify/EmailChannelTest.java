package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;

class EmailChannelTest {

    @Test
    void theMessageIdDomainIsThePublicUrlsHostElseTheSendersDomainNeverLocalhost() {
        assertThat(EmailChannel.messageIdDomain("https://Tocsin.Example.org:8443/base", "pager@corp.example")).isEqualTo("tocsin.example.org");
        assertThat(EmailChannel.messageIdDomain("", "Tocsin <pager@Corp.Example>")).isEqualTo("corp.example");
        assertThat(EmailChannel.messageIdDomain("http://localhost:8080", "pager@corp.example")).isEqualTo("corp.example");
        assertThat(EmailChannel.messageIdDomain("http://127.0.0.1:8080", "tocsin@localhost")).isEqualTo("tocsin.invalid");
        assertThat(EmailChannel.messageIdDomain("not a url", null)).isEqualTo("tocsin.invalid");
    }

    @Test
    void aDeliveryKeepsItsMessageIdOnEveryAttemptAndTwoDeliveriesNeverShareOne() {
        EmailChannel mail = new EmailChannel(new JavaMailSenderImpl(), "pager@corp.example", "https://oncall.corp.example");
        assertThat(mail.messageId("page:INC-7:alice:1")).isEqualTo(mail.messageId("page:INC-7:alice:1"))
                .isNotEqualTo(mail.messageId("page:INC-7:alice:2")).matches("<[0-9a-f]{32}\\.tocsin@oncall\\.corp\\.example>");
        assertThat(mail.threadId("INC-7")).isEqualTo("<inc-7@oncall.corp.example>");
        assertThat(mail.threadId(null)).isNull();
    }
}
