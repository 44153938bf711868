package io.tocsin.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class PasswordStoreTest {
    /**
     * The hash compared against for a person without a password is written out in the source: it must
     * be a real bcrypt hash at the cost of every stored one, or an unknown name would answer faster
     * than a wrong password (and tell an attacker which names exist).
     */
    @Test
    void theHashForNobodyIsARealCost12Hash() {
        assertThat(PasswordStore.NOBODY).startsWith("$2a$12$").hasSize(60);
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(12);
        assertThat(bcrypt.matches("no password is set for this person", PasswordStore.NOBODY)).isTrue();
        assertThat(bcrypt.matches("anything else", PasswordStore.NOBODY)).isFalse();
        assertThat(bcrypt.upgradeEncoding(PasswordStore.NOBODY)).isFalse();
    }
}
