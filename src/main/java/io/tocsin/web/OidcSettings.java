package io.tocsin.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sign-in to the browser UI through an OpenID Connect provider (Keycloak, Google, Okta, Entra ID, ...),
 * beside passwords and API tokens. Unset, the sign-in page offers only those.
 *
 * <pre>
 * tocsin.oidc.issuer-uri=https://keycloak.example.org/realms/ops
 * tocsin.oidc.client-id=tocsin
 * tocsin.oidc.client-secret=...            (TOCSIN_OIDC_CLIENT_SECRET keeps it out of files)
 * tocsin.oidc.email-claim=email            (the claim matched against people's e-mail addresses)
 * tocsin.oidc.display-name=Keycloak        (the button: "Sign in with Keycloak")
 * </pre>
 *
 * Every key acts or the server refuses to start naming it: a client id without an issuer would be a
 * sign-in button that never appears, and an issuer without a client a button that always fails.
 */
@ConfigurationProperties("tocsin.oidc")
public record OidcSettings(String issuerUri, String clientId, String clientSecret, String emailClaim, String displayName) {
    static final String DEFAULT_EMAIL_CLAIM = "email";

    public OidcSettings {
        issuerUri = trimmed(issuerUri);
        clientId = trimmed(clientId);
        clientSecret = clientSecret == null || clientSecret.isBlank() ? null : clientSecret;
        displayName = trimmed(displayName);
        if (issuerUri == null) {
            for (String[] set : new String[][] {{"client-id", clientId}, {"client-secret", clientSecret},
                    {"email-claim", emailClaim}, {"display-name", displayName}}) {
                if (set[1] != null) {
                    throw new IllegalArgumentException("tocsin.oidc." + set[0] + " is set but tocsin.oidc.issuer-uri is not: "
                            + "set the issuer (the provider's address, e.g. https://keycloak.example.org/realms/ops) "
                            + "or remove tocsin.oidc." + set[0]);
                }
            }
        } else {
            issuer(issuerUri);
            if (clientId == null) {
                throw new IllegalArgumentException("tocsin.oidc.client-id is required with tocsin.oidc.issuer-uri: "
                        + "the client id of Tocsin registered at the provider");
            }
            if (clientSecret == null) {
                throw new IllegalArgumentException("tocsin.oidc.client-secret is required with tocsin.oidc.issuer-uri: "
                        + "the secret of that client (TOCSIN_OIDC_CLIENT_SECRET keeps it out of files)");
            }
            if (emailClaim != null && emailClaim.isBlank()) {
                throw new IllegalArgumentException("tocsin.oidc.email-claim is empty: name the claim that carries a person's "
                        + "e-mail address, or remove it for \"" + DEFAULT_EMAIL_CLAIM + "\"");
            }
        }
        emailClaim = emailClaim == null ? DEFAULT_EMAIL_CLAIM : emailClaim.trim();
    }

    public boolean configured() {
        return issuerUri != null;
    }

    /** The button's words: the configured name, else the issuer's host ("Sign in with keycloak.example.org"). */
    public String providerName() {
        return displayName != null ? displayName : URI.create(issuerUri).getHost();
    }

    /**
     * An absolute https address. Plain http only for a provider on this machine (a test or a provider
     * behind the same host's proxy): elsewhere the codes and tokens would cross the network readable.
     */
    private static void issuer(String issuerUri) {
        URI uri;
        try {
            uri = new URI(issuerUri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("tocsin.oidc.issuer-uri is not an address: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback(host))) {
            throw new IllegalArgumentException("tocsin.oidc.issuer-uri must be an https address (http only for localhost), not \""
                    + issuerUri + "\"");
        }
        if (host.isEmpty() || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("tocsin.oidc.issuer-uri must be the issuer exactly as the provider names it "
                    + "(a host and an optional path, no query or fragment), not \"" + issuerUri + "\"");
        }
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
