package io.tocsin.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sign-in setting the server accepts must act: settings that would give a sign-in button that never
 * appears, or one that always fails, stop {@code tocsin serve} at start with the key named.
 */
class OidcSettingsTest {
    static CliRun serve(Path tmp, String name, String... settings) {
        String[] args = new String[8 + settings.length];
        System.arraycopy(new String[] {"serve", "--config", "src/test/resources/orgs/acme", "--port", "0",
                "--spring.datasource.url=jdbc:h2:mem:serve-oidc-" + name, "--tocsin.admin-token=t",
                "--tocsin.admin-token-file=" + tmp.resolve("token")}, 0, args, 0, 8);
        System.arraycopy(settings, 0, args, 8, settings.length);
        return CliRun.run(args);
    }

    @Test
    void anIssuerWithoutItsClientStopsTheServerNamingTheMissingKey(@TempDir Path tmp) {
        CliRun r = serve(tmp, "no-client", "--tocsin.oidc.issuer-uri=https://keycloak.example.org/realms/ops");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.out() + r.err()).contains("tocsin.oidc.client-id is required with tocsin.oidc.issuer-uri");

        CliRun noSecret = serve(tmp, "no-secret", "--tocsin.oidc.issuer-uri=https://keycloak.example.org/realms/ops",
                "--tocsin.oidc.client-id=tocsin");
        assertThat(noSecret.exitCode()).isNotZero();
        assertThat(noSecret.out() + noSecret.err()).contains("tocsin.oidc.client-secret is required with tocsin.oidc.issuer-uri");
    }

    @Test
    void aClientWithoutAnIssuerStopsTheServerRatherThanShowingNoButton(@TempDir Path tmp) {
        CliRun r = serve(tmp, "no-issuer", "--tocsin.oidc.client-id=tocsin", "--tocsin.oidc.client-secret=s");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.out() + r.err()).contains("tocsin.oidc.client-id is set but tocsin.oidc.issuer-uri is not");
    }

    @Test
    void anIssuerElsewhereOverPlainHttpIsRefused(@TempDir Path tmp) {
        CliRun r = serve(tmp, "plain-http", "--tocsin.oidc.issuer-uri=http://keycloak.example.org/realms/ops",
                "--tocsin.oidc.client-id=tocsin", "--tocsin.oidc.client-secret=s");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.out() + r.err()).contains("tocsin.oidc.issuer-uri must be an https address (http only for localhost)");
    }
}
