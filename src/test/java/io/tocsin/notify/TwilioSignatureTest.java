package io.tocsin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final Map<String, List<String>> PARAMS = Map.of("CallSid", List.of("CA1234567890ABCDE"), "Caller", List.of("+12349013030"),
            "Digits", List.of("1234"), "From", List.of("+12349013030"), "To", List.of("+18005551212"));

    /**
     * Twilio's security page has printed this example with two caller numbers over the years; each
     * number has its own signature. GvWf1cFY... belongs to +14158675310, not to +12349013030.
     */
    @Test
    void matchesTwilioDocumentedExamples() {
        assertThat(TwilioSignature.sign("12345", URL, PARAMS)).isEqualTo("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        Map<String, List<String>> current = Map.of("CallSid", List.of("CA1234567890ABCDE"), "Caller", List.of("+14158675310"),
                "Digits", List.of("1234"), "From", List.of("+14158675310"), "To", List.of("+18005551212"));
        assertThat(TwilioSignature.sign("12345", URL, current)).isEqualTo("GvWf1cFY/Q7PnoempGyD5oXAezc=");
        assertThat(TwilioSignature.valid("12345", URL, current, "GvWf1cFY/Q7PnoempGyD5oXAezc=")).isTrue();
    }

    @Test
    void anythingAlteredIsRejected() {
        String good = TwilioSignature.sign("12345", URL, PARAMS);
        assertThat(TwilioSignature.valid("12346", URL, PARAMS, good)).isFalse();
        assertThat(TwilioSignature.valid("12345", URL.replace("foo=1", "foo=2"), PARAMS, good)).isFalse();
        assertThat(TwilioSignature.valid("12345", URL, Map.of("Digits", List.of("1")), good)).isFalse();
        assertThat(TwilioSignature.valid("12345", URL, PARAMS, null)).isFalse();
        assertThat(TwilioSignature.valid("12345", URL, PARAMS, "")).isFalse();
        assertThat(TwilioSignature.valid("", URL, PARAMS, good)).isFalse();
    }
}
