package io.tocsin.incident;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.store.ApiTokenStore;
import java.util.Optional;

/**
 * Who acts: the authenticated caller, never what the caller says about itself. One rule for the API,
 * the CLI and the UI's sign-in.
 * <ul>
 * <li>A person's token (and a person's session) acts as that person.</li>
 * <li>A service token acts as {@code service:NAME}, so automation can never be recorded as a person
 *     who did not act.</li>
 * <li>The bootstrap admin token acts as itself (its name): it is the break-glass credential of whoever
 *     installed Tocsin, and a person who acts uses their own token, so a timeline never names someone
 *     on the word of a shared credential.</li>
 * </ul>
 * A caller may still name itself (PagerDuty-style clients send a {@code From} header with every
 * request): that changes nothing. Naming anyone else is refused ({@link NotYours}).
 */
public final class Actors {
    /** The caller named someone other than itself. */
    public static final class NotYours extends RuntimeException {
        public NotYours(String message) {
            super(message);
        }
    }

    private Actors() {
    }

    /**
     * The actor for a request by {@code caller}; a caller that is not an API token (a password or
     * single-sign-on session, a test's principal) acts as its own name.
     */
    public static String actor(ApiTokenStore.Issued caller, String fallbackName) {
        return caller == null ? fallbackName : caller.actor();
    }

    /**
     * Accepts {@code named} (blank: nobody) only when it names the caller's own actor: the actor itself
     * or, for a person, their id or any contact address ({@link #person}). Anything else is
     * {@link NotYours}, whose message says how to act as that person instead.
     */
    public static String requireSelf(Organisation organisation, ApiTokenStore.Issued caller, String fallbackName, String named) {
        String actor = actor(caller, fallbackName);
        if (named == null || named.isBlank()) {
            return actor;
        }
        String wanted = named.trim();
        if (wanted.equals(actor) || person(organisation, wanted).filter(actor::equals).isPresent()) {
            return actor;
        }
        String kind = caller == null ? "this session" : switch (caller.kind()) {
            case ADMIN -> "the admin token";
            case PERSON -> "a personal token";
            case SERVICE -> "a service token";
        };
        throw new NotYours(kind + " acts as " + actor + " only, not as \"" + wanted + "\": the actor is always the token's owner; "
                + "to act as a person, use their personal token (tocsin token create NAME --person PERSON, or POST /api/v1/tokens)");
    }

    /** By id or by any contact address, as PagerDuty's REST API takes its From header. */
    public static Optional<String> person(Organisation organisation, String wanted) {
        return organisation.people().values().stream()
                .filter(p -> p.id().equals(wanted) || p.contactMethods().stream()
                        .anyMatch(c -> c.address() != null && c.address().equalsIgnoreCase(wanted)))
                .map(OrganisationConfig.Person::id)
                .findFirst();
    }
}
