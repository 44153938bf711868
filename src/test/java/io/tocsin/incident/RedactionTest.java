package io.tocsin.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
    static final String PAGERDUTY_EVENT = """
            {"routing_key":"k","event_action":"trigger","payload":{"summary":"refund failed","severity":"critical",
             "custom_details":{"Customer_Email":"jane.doe@example.org","order":"A-1001","region":"eu-west-1",
               "customer":{"CUSTOMER-ID":"C-778899","tier":"gold","cards":[{"card_number":"4111111111111111","brand":"visa"}]}}}}
            """;

    @Test
    void sensitiveKeysAreDroppedAtAnyDepthWhateverTheirCaseAndSeparators() {
        Redaction r = new Redaction(List.of("customer_email", "customerId", "card number"));
        List<Map<String, Object>> details = r.apply(PAGERDUTY_EVENT).details();
        assertThat(details).extracting(d -> d.get("key")).containsExactly("order", "region", "customer.tier", "customer.cards");
        assertThat(details.toString()).doesNotContain("jane.doe").doesNotContain("C-778899").doesNotContain("4111111111111111")
                .contains("visa").contains("gold");
    }

    @Test
    void valuesOfDroppedKeysAreMaskedWhereverTheyAppearInFreeText() {
        Redaction.Applied a = new Redaction(List.of("customer_id")).apply(PAGERDUTY_EVENT);
        assertThat(a.text("refund for C-778899 failed; C-7788990 is someone else"))
                .isEqualTo("refund for [redacted] failed; C-7788990 is someone else");
    }

    @Test
    void emailAddressesAndPhoneNumbersAreMaskedOnlyWhenListed() {
        String text = "call jane.doe+vip@mail.example.co.uk on +40 721 234 567 or (555) 0721234567, not at 2026-03-09 10:22:33 for INC-42";
        assertThat(new Redaction(List.of("email", "phone")).apply(null).text(text))
                .isEqualTo("call [email] on [phone] or (555) [phone], not at 2026-03-09 10:22:33 for INC-42");
        assertThat(new Redaction(List.of("E-Mail")).apply(null).text(text))
                .contains("[email]").contains("+40 721 234 567");
        assertThat(new Redaction(List.of()).apply(null).text(text)).isEqualTo(text);
    }

    @Test
    void detailValuesAreMaskedLikeFreeTextAndAlertmanagerLabelsAndAnnotationsAreShown() {
        String alert = """
                {"status":"firing","labels":{"alertname":"Checkout","instance":"web-1"},
                 "annotations":{"description":"user bob@example.com saw a 500","Phone":"+15551234567"}}""";
        List<Map<String, Object>> details = new Redaction(List.of("email", "phone")).apply(alert).details();
        assertThat(details).containsExactly(Map.of("key", "alertname", "value", "Checkout"), Map.of("key", "instance", "value", "web-1"),
                Map.of("key", "description", "value", "user [email] saw a 500"));
    }

    @Test
    void unreadableDetailsShowNothing() {
        assertThat(new Redaction(List.of("email")).apply("not json {").details()).isEmpty();
        assertThat(new Redaction(List.of("email")).apply(null).details()).isEmpty();
    }
}
