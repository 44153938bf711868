package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.store.Columns;
import io.tocsin.testing.FuzzContract;

/**
 * PagerDuty Events API v2 bodies ({@code POST /v2/enqueue}, {@code /v2/change/enqueue}) through
 * {@link PagerDutyEvent#parse}, the code the controller runs: an event, or errors in PagerDuty's
 * words each naming its field (answered 400) — never an exception. Seeds: resources
 * io/tocsin/ingest/PagerDutyEventFuzzTestInputs/<method>/ (a regression test in every build);
 * fuzz with scripts/fuzz.sh.
 */
class PagerDutyEventFuzzTest {
    @FuzzTest
    void alertEvent(byte[] body) {
        check(PagerDutyEvent.parse(body, false), false, body);
    }

    @FuzzTest
    void changeEvent(byte[] body) {
        check(PagerDutyEvent.parse(body, true), true, body);
    }

    private static void check(PagerDutyEvent.Parsed parsed, boolean change, byte[] body) {
        if (parsed.event() == null) {
            assertThat(parsed.errors()).isNotEmpty();
            for (String error : parsed.errors()) {
                FuzzContract.plainWords(error, new String(body, java.nio.charset.StandardCharsets.UTF_8));
                assertThat(error).as("a PagerDuty error names its field or the body")
                        .matches("(?s)('[a-z_.]+' .*|request body .*|event must be a JSON object)");
            }
            return;
        }
        assertThat(parsed.errors()).isEmpty();
        PagerDutyEvent e = parsed.event();
        assertThat(e.routingKey()).isNotBlank().isEqualTo(parsed.routingKey());
        assertThat(e.summary()).hasSizeLessThanOrEqualTo(Columns.SUMMARY);
        if (e.source() != null) {
            assertThat(e.source()).hasSizeLessThanOrEqualTo(Columns.SOURCE);
        }
        if (e.dedupKey() != null) {
            assertThat(e.dedupKey()).hasSizeLessThanOrEqualTo(Columns.DEDUP_KEY);
        }
        assertThat(e.action() == null).isEqualTo(change);
        assertThat(e.details()).isNotNull();
    }
}
