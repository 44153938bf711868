package io.tocsin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.store.Columns;

/**
 * Generic JSON events ({@code POST /api/v1/events}) through {@link GenericEvent#read} and
 * {@link GenericEvent#of}, the controller's code: an event that fits its columns, or an
 * {@link InvalidEvent} naming the field (answered 400) — never another exception.
 */
class GenericEventFuzzTest {
    @FuzzTest
    void event(byte[] body) {
        GenericEvent event;
        try {
            GenericEvent.Keyed keyed = GenericEvent.read(body, null);
            assertThat(keyed.key()).isNotBlank();
            event = GenericEvent.of(keyed.body());
        } catch (InvalidEvent refused) {
            AlertGroupFuzzTest.refusal(refused, body);
            return;
        }
        assertThat(event.action()).isNotNull();
        assertThat(event.summary()).hasSizeLessThanOrEqualTo(Columns.SUMMARY);
        assertThat(event.source()).isNotBlank().hasSizeLessThanOrEqualTo(Columns.SOURCE);
        if (event.dedupKey() != null) {
            assertThat(event.dedupKey()).hasSizeLessThanOrEqualTo(Columns.DEDUP_KEY);
        }
    }
}
