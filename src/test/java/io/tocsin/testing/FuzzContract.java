package io.tocsin.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every fuzz test (the *FuzzTest classes) holds a parser of outside input to: a refusal names
 * what was wrong in words, never Java's (a class name, a stack) — the API answers it 4xx as it is.
 * Anything other than the typed result or the project's own refusal escapes the test and is a finding.
 */
public final class FuzzContract {
    private FuzzContract() {
    }

    /** {@code field} is a non-blank name and {@code message} non-blank words that leak no Java internals. */
    public static void namesField(String field, String message) {
        assertThat(field).as("the field a refusal names").isNotBlank();
        plainWords(message);
    }

    public static void plainWords(String message) {
        assertThat(message).as("a refusal's message").isNotBlank()
                .doesNotContain("java.", "tools.jackson", "Exception", "\tat ");
    }
}
