package io.tocsin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @Test
    void theServerRefusesToStartOnAnInvalidConfigurationAndSaysWhy(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("org.yaml");
        Files.writeString(bad, "organisation:\n  id: x\n  name: X\n  time_zone: Mars/Olympus\n");
        CliRun r = CliRun.run("serve", "--config", bad.toString(), "--port", "0",
                "--spring.datasource.url=jdbc:h2:mem:serve-refuses", "--tocsin.admin-token=t",
                "--tocsin.admin-token-file=" + tmp.resolve("token"));
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("configuration is invalid").contains("unknown time zone \"Mars/Olympus\"");
    }
}
