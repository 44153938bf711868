package io.tocsin.cli;

import io.tocsin.config.Organisation;
import io.tocsin.config.OrganisationConfig;

final class Names {
    private Names() {
    }

    static String of(Organisation org, String personId) {
        return org.person(personId).map(OrganisationConfig.Person::name).orElse(personId);
    }
}
