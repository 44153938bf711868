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

    @Test
    void retrySettingsThatWouldNotActStopTheServerFromStarting(@TempDir Path tmp) {
        // A count of attempts is no longer how retries end: a server still saying one must not believe it is obeyed.
        CliRun attempts = CliRun.run("serve", "--config", "src/test/resources/orgs/acme", "--port", "0",
                "--spring.datasource.url=jdbc:h2:mem:serve-max-attempts", "--tocsin.admin-token=t",
                "--tocsin.admin-token-file=" + tmp.resolve("token"), "--tocsin.notify.max-attempts=5");
        assertThat(attempts.exitCode()).isNotZero();
        assertThat(attempts.out() + attempts.err()).contains("tocsin.notify.max-attempts is no longer used")
                .contains("tocsin.notify.retry.budget");
        CliRun channel = CliRun.run("serve", "--config", "src/test/resources/orgs/acme", "--port", "0",
                "--spring.datasource.url=jdbc:h2:mem:serve-retry-channel", "--tocsin.admin-token=t",
                "--tocsin.admin-token-file=" + tmp.resolve("token"), "--tocsin.notify.retry.channels.pager.budget=2h");
        assertThat(channel.exitCode()).isNotZero();
        assertThat(channel.out() + channel.err()).contains("tocsin.notify.retry.channels.pager: no such channel");
    }
}
