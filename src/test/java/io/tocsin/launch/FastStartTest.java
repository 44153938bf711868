package io.tocsin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FastStartTest {
    @Test
    void theSwitchTurnsItOffOnlyWhenSaidSo() {
        assertThat(FastStart.enabled(null)).isTrue();
        assertThat(FastStart.enabled("on")).isTrue();
        for (String off : new String[] {"off", "OFF", "false", "0", "no", " off "}) {
            assertThat(FastStart.enabled(off)).as(off).isFalse();
        }
    }

    @Test
    void outsideTheExecutableJarEveryCommandRunsInThisJvm() {
        // tests run on a flat class path, as does the extracted copy the fast JVM runs
        assertThat(FastStart.run(new String[] {"validate", "examples/medicalcor"})).isEqualTo(Optional.empty());
    }

    @Test
    void theServerNeverLeavesItsJvm() {
        assertThat(FastStart.run(new String[0])).isEmpty();
        assertThat(FastStart.run(new String[] {"serve", "--port", "1"})).isEmpty();
    }
}
