package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.config.OrganisationConfig.KindTemplates;
import io.tocsin.config.OrganisationConfig.Notifications;
import io.tocsin.config.OrganisationConfig.PartTemplates;
import io.tocsin.config.OrganisationConfig.Templates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTemplatesTest {
    static final String DETAILS = "{\"payload\":{\"custom_details\":{\"customer_email\":\"jane@example.org\",\"order\":\"A-1001\"}}}";

    final MessageTemplates templates = new MessageTemplates();

    static Map<String, Object> model() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("incident", "INC-12");
        m.put("number", 12L);
        m.put("severity", "P1");
        m.put("service", "api");
        m.put("summary", "checkout failing for jane@example.org");
        m.put("status", "triggered");
        m.put("reason", "level on-call");
        m.put("event", "level on-call");
        m.put("acknowledge_url", "https://tocsin.example.com/links/abc");
        m.put("resolve_url", "https://tocsin.example.com/links/def");
        return m;
    }

    static Notifications config(List<String> sensitive) {
        KindTemplates page = new KindTemplates("PAGE {{incident}} {{summary}}", null, "<b>{{summary}}</b>{{#details}}<i>{{key}}={{value}}</i>{{/details}}",
                null, null, null, null, null, new PartTemplates("SMS {{number}}: {{summary}}", null, null), null);
        return new Notifications(new Templates(page, null, null, null, null), sensitive);
    }

    @Test
    void theChannelsTemplateWinsThenTheKindsThenTheBundledOne() {
        Notifications n = config(List.of());
        MessageTemplates.Rendered sms = templates.render(n, "page", "sms", DETAILS, model());
        assertThat(sms.subject()).isEqualTo("SMS 12: checkout failing for jane@example.org");
        MessageTemplates.Rendered email = templates.render(n, "page", "email", DETAILS, model());
        assertThat(email.subject()).isEqualTo("PAGE INC-12 checkout failing for jane@example.org");
        // The text part is not overridden: the bundled page text.
        assertThat(email.text()).startsWith("INC-12 P1 on api: checkout failing").contains("Acknowledge: https://tocsin.example.com/links/abc");
        assertThat(email.html()).isEqualTo("<b>checkout failing for jane@example.org</b><i>customer_email=jane@example.org</i><i>order=A-1001</i>");
        // A kind with no overrides is the bundled one throughout.
        MessageTemplates.Rendered notice = templates.render(n, "notice", "email", DETAILS, model());
        assertThat(notice.subject()).isEqualTo(new MessageTemplates().render(Notifications.NONE, "notice", "email", DETAILS, model()).subject());
        assertThat(templates.render(Notifications.NONE, "page", "sms", DETAILS, model()).subject())
                .isEqualTo("[P1] api: checkout failing for jane@example.org (INC-12)");
    }

    @Test
    void aChannelOverrideOfAPartTheChannelNeverSendsIsIgnored() {
        KindTemplates page = new KindTemplates("KIND", null, null, null, null, null, null, null,
                new PartTemplates("SMS", "never used", null), null);
        Notifications n = new Notifications(new Templates(page, null, null, null, null), List.of());
        assertThat(MessageTemplates.template(n, "page", "sms", "subject")).contains("SMS");
        assertThat(MessageTemplates.template(n, "page", "sms", "text")).isEmpty();
        assertThat(MessageTemplates.template(n, "page", "email", "subject")).contains("KIND");
        assertThat(MessageTemplates.template(n, "notice", "email", "subject")).isEmpty();
    }

    @Test
    void sensitiveFieldsNeverReachAnyPartBundledOrConfigured() {
        Notifications n = config(List.of("customer_email", "email"));
        for (String channel : List.of("sms", "email", "webhook")) {
            MessageTemplates.Rendered r = templates.render(n, "page", channel, DETAILS, model());
            assertThat(r.subject() + r.text() + r.html()).doesNotContain("jane@example.org").contains("[redacted]");
        }
        MessageTemplates.Rendered bundled = templates.render(new Notifications(null, List.of("customer_email", "email")), "page", "email", DETAILS, model());
        assertThat(bundled.subject() + bundled.text() + bundled.html()).doesNotContain("jane@example.org");
        assertThat(templates.render(n, "page", "email", DETAILS, model()).html()).contains("order=A-1001").doesNotContain("customer_email");
        // An address that is not the value of a dropped field is masked because email is listed.
        Map<String, Object> other = model();
        other.put("summary", "bounce from ops@example.net");
        assertThat(templates.render(n, "page", "sms", DETAILS, other).subject()).isEqualTo("SMS 12: bounce from [email]");
    }

    @Test
    void htmlPartsEscapeValuesAndSubjectsStayOnOneLine() {
        KindTemplates page = new KindTemplates("{{summary}}\n({{incident}})", "{{summary}}", "{{summary}}", null, null, null, null, null, null, null);
        Notifications n = new Notifications(new Templates(page, null, null, null, null), List.of());
        Map<String, Object> m = model();
        m.put("summary", "<script>x</script>");
        MessageTemplates.Rendered r = templates.render(n, "page", "email", null, m);
        assertThat(r.subject()).isEqualTo("<script>x</script> (INC-12)");
        assertThat(r.text()).isEqualTo("<script>x</script>");
        assertThat(r.html()).isEqualTo("&lt;script&gt;x&lt;/script&gt;");
    }

    @Test
    void templatesCannotCallMethodsOnValuesOrIncludeFiles() {
        KindTemplates methods = new KindTemplates("[{{summary.length}}][{{summary.class}}]", null, null,
                null, null, null, null, null, null, null);
        Notifications n = new Notifications(new Templates(methods, null, null, null, null), List.of());
        assertThat(templates.render(n, "page", "email", null, model()).subject()).isEqualTo("[][]");
        KindTemplates include = new KindTemplates(null, "{{> /etc/passwd}}", null, null, null, null, null, null, null, null);
        Notifications withInclude = new Notifications(new Templates(include, null, null, null, null), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> templates.render(withInclude, "page", "email", null, model()))
                .hasStackTraceContaining("templates cannot include other templates");
    }
}
