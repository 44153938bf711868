package io.tocsin.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * What every fuzz test (the *FuzzTest classes) holds a parser of outside input to: a refusal names
 * what was wrong in words, never Java's (a class name, a stack) — the API answers it 4xx as it is.
 * Anything other than the typed result or the project's own refusal escapes the test and is a finding.
 */
public final class FuzzContract {
    private FuzzContract() {
    }

    private static final List<String> INTERNALS = List.of("java.", "tools.jackson", "Exception", "\tat ");

    /**
     * {@code field} is a non-blank name and {@code message} non-blank words that leak no Java internals.
     * {@code input} is what was sent: a message may quote it, so what it holds itself is no leak.
     */
    public static void namesField(String field, String message, String input) {
        assertThat(field).as("the field a refusal names").isNotBlank();
        plainWords(message, input);
    }

    public static void plainWords(String message, String input) {
        assertThat(message).as("a refusal's message").isNotBlank();
        for (String internal : INTERNALS) {
            if (!input.contains(internal)) {
                assertThat(message).as("a refusal's message").doesNotContain(internal);
            }
        }
    }
}
