package io.tocsin.incident;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;
import io.tocsin.store.ApiTokenStore;
import java.util.Optional;

/**
 * Who acts, decided once for the API ({@code From} header) and the UI's sign-in: the authenticated
 * token, not what the caller says about itself.
 * <ul>
 * <li>A person's token acts as that person; naming anyone else is refused ({@link NotYours}).</li>
 * <li>A service token acts as {@code service:NAME}; it names nobody else, so automation can never
 *     be recorded as a person who did not act.</li>
 * <li>The bootstrap admin token may name a person: it is the break-glass credential of whoever
 *     installed Tocsin (and what relays for people did before personal tokens existed), and what it
 *     records is in the audit log under the admin token's interface.</li>
 * </ul>
 */
public final class Actors {
    /** The name given is not a person of the organisation. */
    public static final class UnknownPerson extends RuntimeException {
        public UnknownPerson(String wanted) {
            super("no person \"" + wanted + "\" in the organisation (give a person id or e-mail)");
        }
    }

    /** The token may not act as the one named. */
    public static final class NotYours extends RuntimeException {
        public NotYours(String message) {
            super(message);
        }
    }

    private Actors() {
    }

    /**
     * The actor for a request by {@code caller} that names {@code named} (blank: nobody). A caller that is
     * not an API token (a test's or a future sign-in's principal) acts as its own name.
     */
    public static String actor(Organisation organisation, ApiTokenStore.Issued caller, String fallbackName, String named) {
        boolean naming = named != null && !named.isBlank();
        if (caller == null) {
            return naming ? person(organisation, named.trim()).orElseThrow(() -> new UnknownPerson(named.trim())) : fallbackName;
        }
        if (!naming) {
            return caller.actor();
        }
        String wanted = named.trim();
        return switch (caller.kind()) {
            case ADMIN -> person(organisation, wanted).orElseThrow(() -> new UnknownPerson(wanted));
            case PERSON -> {
                if (!person(organisation, wanted).filter(caller.person()::equals).isPresent()) {
                    throw new NotYours("a personal token acts as " + caller.person() + " only, not as \"" + wanted + "\"");
                }
                yield caller.person();
            }
            case SERVICE -> {
                if (!wanted.equals(caller.actor())) {
                    throw new NotYours("a service token acts as " + caller.actor() + " only, not as \"" + wanted + "\"");
                }
                yield caller.actor();
            }
        };
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
