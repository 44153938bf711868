package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenHashTest {
    @Test
    void aNewTokenNeverBeginsWithADashSoACommandLineReadsItAsTheOptionsValue() {
        // one in 64 base64url tokens began with "-" (the CLI then took it for an option): 10,000 draws would show it
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = TokenHash.newToken();
            assertThat(token).doesNotStartWith("-").hasSize(43).matches("[A-Za-z0-9_-]+");
            seen.add(token);
        }
        assertThat(seen).hasSize(10_000);
    }
}
