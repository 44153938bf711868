package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Twilio's callbacks as the server reads them: the query string and the form body (FormFields, as
 * WholeBodyRequest parses every form), the body's own fields (TwilioCallback#bodyParams), then a
 * status callback or an SMS reply. An input is the query string, a line break, then the body, as
 * in the seeds under io/tocsin/api/TwilioCallbackFuzzTestInputs/. Either a typed result or a
 * {@link BadRequestException} naming the field (answered 400) — never another exception.
 */
class TwilioCallbackFuzzTest {
    @FuzzTest
    void statusCallback(byte[] input) {
        Map<String, List<String>> params = bodyParams(input);
        TwilioCallback.Status status;
        try {
            status = TwilioCallback.status(params);
        } catch (BadRequestException refused) {
            assertThat(refused.field()).isIn("MessageSid", "MessageStatus", "CallSid", "CallStatus", "ErrorCode");
            FuzzContract.namesField(refused.field(), refused.getMessage(), new String(input, StandardCharsets.UTF_8));
            return;
        }
        assertThat(List.of(status.sid(), status.status(), status.errorCode()))
                .allSatisfy(v -> assertThat(v).isNotNull().hasSizeLessThanOrEqualTo(TwilioCallback.MAX_FIELD));
    }

    @FuzzTest
    void smsReply(byte[] input) {
        Map<String, List<String>> params = bodyParams(input);
        Optional<TwilioCallback.Reply> reply = TwilioCallback.reply(TwilioCallback.first(params, "Body"));
        reply.ifPresent(r -> assertThat(r.incident()).isNotNegative());
    }

    /** Query and body parsed as WholeBodyRequest parses a form, then the body's fields picked out as TwilioController does. */
    private static Map<String, List<String>> bodyParams(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int newline = text.indexOf('\n');
        String query = newline < 0 ? null : text.substring(0, newline);
        String body = newline < 0 ? text : text.substring(newline + 1);
        Map<String, List<String>> all = new java.util.LinkedHashMap<>();
        FormFields.parse(query, StandardCharsets.UTF_8, all);
        FormFields.parse(body, StandardCharsets.UTF_8, all);
        Map<String, String[]> parameterMap = new java.util.LinkedHashMap<>();
        all.forEach((k, v) -> parameterMap.put(k, v.toArray(String[]::new)));
        return TwilioCallback.bodyParams(query, parameterMap);
    }
}
