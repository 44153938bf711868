package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.store.Columns;
import io.tocsin.testing.FuzzContract;

/**
 * Alertmanager and Grafana webhook bodies ({@code POST /api/v1/integrations/{alertmanager,grafana}/{key}})
 * through the controller's own code ({@link IngestJson#read}, {@link AlertGroupParser#parse}): events
 * that fit their columns, or errors naming the field (answered 400) — never another exception.
 */
class AlertGroupFuzzTest {
    @FuzzTest
    void alertmanager(byte[] body) {
        check(body, "alertmanager");
    }

    @FuzzTest
    void grafana(byte[] body) {
        check(body, "grafana");
    }

    private static void check(byte[] body, String integration) {
        AlertGroupParser.Parsed parsed;
        try {
            parsed = AlertGroupParser.parse(IngestJson.read(body), "svc", integration);
        } catch (InvalidEvent refused) {
            refusal(refused, body);
            return;
        }
        if (!parsed.errors().isEmpty()) {
            refusal(new InvalidEvent(parsed.errors()), body);
            return;
        }
        for (InboundEvent e : parsed.events()) {
            assertThat(e.dedupKey()).startsWith(integration + ":").hasSizeLessThanOrEqualTo(Columns.DEDUP_KEY);
            assertThat(e.summary()).hasSizeLessThanOrEqualTo(Columns.SUMMARY);
            assertThat(e.source()).hasSizeLessThanOrEqualTo(Columns.SOURCE);
            assertThat(e.action()).isNotNull();
        }
    }

    /** Each error is "field: message", as the controller splits it into the problem's errors. */
    static void refusal(InvalidEvent refused, byte[] body) {
        assertThat(refused.errors).isNotEmpty();
        for (String error : refused.errors) {
            int colon = error.indexOf(": ");
            assertThat(colon).as("'%s' names its field", error).isPositive();
            FuzzContract.namesField(error.substring(0, colon), error.substring(colon + 2),
                    new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
